package web

import (
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
)

// hostCheck decides which Host headers the server answers. A browser
// sends the name it was given in the address bar; a page of another site
// that rebinds its own name to this machine's address still sends that
// site's name. Answering only to the names of this server (a loopback
// name, the listening address, the names in Options.Hosts) with
// 421 Misdirected Request for the rest keeps such a page from reading the
// API or the original files (DNS rebinding).
type hostCheck struct {
	port  string          // the port a Host must name; "" any
	names map[string]bool // host names, lower case, no trailing dot
	ips   map[netip.Addr]bool
}

// newHostCheck accepts loopback names at addr's port, addr's own host,
// and hosts (each a name or an IP, with or without a port; a port given
// there is ignored: the server listens on one).
func newHostCheck(addr string, hosts []string) *hostCheck {
	c := &hostCheck{names: map[string]bool{}, ips: map[netip.Addr]bool{}}
	if addr != "" {
		host, port, err := net.SplitHostPort(addr)
		if err != nil {
			host = addr
		}
		c.port = port
		if port == "0" {
			c.port = ""
		}
		c.add(host)
	}
	for _, h := range hosts {
		if host, _, err := net.SplitHostPort(h); err == nil {
			h = host
		}
		c.add(h)
	}
	return c
}

func (c *hostCheck) add(host string) {
	host = strings.TrimSuffix(strings.ToLower(strings.Trim(host, "[]")), ".")
	if host == "" {
		return
	}
	if ip, err := netip.ParseAddr(host); err == nil {
		c.ips[ip.Unmap().WithZone("")] = true
		return
	}
	c.names[host] = true
}

// allows reports whether a request's Host header names this server.
func (c *hostCheck) allows(hostHeader string) bool {
	host, port, err := net.SplitHostPort(hostHeader)
	if err != nil {
		// No port: the scheme's default.
		host, port = hostHeader, "80"
	}
	host = strings.TrimSuffix(strings.ToLower(strings.Trim(host, "[]")), ".")
	if host == "" || c.port != "" && port != c.port {
		return false
	}
	if ip, err := netip.ParseAddr(host); err == nil {
		ip = ip.Unmap().WithZone("")
		return ip.IsLoopback() || c.ips[ip]
	}
	return host == "localhost" || c.names[host]
}

// misdirected answers a request whose Host header is not one of this
// server's names.
func (s *server) misdirected(w http.ResponseWriter, r *http.Request) {
	s.errorFor(w, r, http.StatusMisdirectedRequest,
		"This server does not answer to the name "+quoteHost(r.Host)+". Open it by the address it printed when it started, or by localhost.")
}

// quoteHost quotes a Host header for a message, cut short.
func quoteHost(h string) string {
	if len(h) > 100 {
		h = h[:100]
	}
	return strconv.Quote(h)
}
