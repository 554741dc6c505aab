package ocr

import (
	"os/exec"
	"syscall"
)

// setDeathSignal has Tesseract killed when the process that started it
// dies (a PDF child killed for its memory or time), so none is left
// running on its own.
func setDeathSignal(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
