//go:build !linux

package ocr

import "os/exec"

func setDeathSignal(*exec.Cmd) {}
