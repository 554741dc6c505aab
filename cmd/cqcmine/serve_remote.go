package main

import (
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"strings"
)

// hostList is a repeatable flag of host names (--host NAME).
type hostList []string

func (h *hostList) String() string { return strings.Join(*h, ",") }

func (h *hostList) Set(v string) error {
	v = strings.TrimSpace(v)
	if v == "" || strings.ContainsAny(v, "/ \t") {
		return fmt.Errorf("%q is not a host name or address", v)
	}
	*h = append(*h, v)
	return nil
}

// checkServeAddr refuses to serve beyond this machine unless asked to:
// the server has no authentication, so an address other than a loopback
// one needs --allow-remote.
func checkServeAddr(addr string, allowRemote bool) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return &usageError{fmt.Sprintf("--addr %q: %v (want HOST:PORT, such as 127.0.0.1:8080)", addr, err)}
	}
	if allowRemote || loopbackHost(host) {
		return nil
	}
	what := "address " + host
	if ip, err := netip.ParseAddr(host); host == "" || err == nil && ip.IsUnspecified() {
		what = "every network interface"
	}
	return &usageError{fmt.Sprintf("--addr %s would serve on %s, to other machines, and cqcmine serve has no authentication: "+
		"anyone who reaches it can search the index and download the original files. "+
		"Use a loopback address (127.0.0.1:PORT or localhost:PORT), or add --allow-remote to serve it anyway", addr, what)}
}

// loopbackHost reports whether host names this machine's loopback
// interface only.
func loopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.IsLoopback()
}

// remoteHosts lists the names a server listening on ln (asked for as
// addr) answers to besides loopback names: the host of addr, the names
// given with --host, the machine's host name and, when it listens on
// every interface, the addresses of its interfaces.
func remoteHosts(ln net.Addr, addr string, extra []string) []string {
	hosts := append([]string(nil), extra...)
	if host, _, err := net.SplitHostPort(addr); err == nil && host != "" {
		if ip, err := netip.ParseAddr(host); err != nil || !ip.IsUnspecified() {
			hosts = append(hosts, host)
		}
	}
	if name, err := os.Hostname(); err == nil && name != "" {
		hosts = append(hosts, name)
	}
	if tcp, ok := ln.(*net.TCPAddr); ok && tcp.IP.IsUnspecified() {
		if addrs, err := net.InterfaceAddrs(); err == nil {
			for _, a := range addrs {
				if n, ok := a.(*net.IPNet); ok && !n.IP.IsLoopback() {
					hosts = append(hosts, n.IP.String())
				}
			}
		}
	}
	return hosts
}

// warnRemote tells the user that the server is open to other machines.
func warnRemote(stderr io.Writer, ln net.Addr, hosts []string) {
	fmt.Fprintf(stderr, "cqcmine: WARNING: serving on %s to other machines with no authentication: "+
		"anyone who can reach this address can search the index and download the original files.\n", ln)
	fmt.Fprintf(stderr, "cqcmine: answering requests for localhost and %s (add names with --host NAME)\n",
		strings.Join(hosts, ", "))
}
