package ratelimit

import (
	"context"
	"net"
	"net/http"
	"net/netip"
	"strings"

	"zorginkoop/internal/apperr"
)

// Proxies are the reverse proxies whose forwarding headers are believed: only a request
// that connects from one of them has its client address taken from X-Forwarded-For (or,
// without that header, Forwarded). Anyone else could write those headers themselves, so
// for them the headers are ignored and the client is the connecting address. The zero
// value trusts no proxy.
type Proxies struct {
	trusted []netip.Prefix
}

// ParseProxies reads a comma-separated list of address ranges (CIDR, "10.0.0.0/8") and
// single addresses ("192.0.2.7", "::1"); "" trusts none.
func ParseProxies(list string) (Proxies, error) {
	var p Proxies
	for _, item := range strings.Split(list, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		prefix, err := netip.ParsePrefix(item)
		if err != nil {
			addr, aerr := netip.ParseAddr(item)
			if aerr != nil {
				return Proxies{}, apperr.Invalidf("trusted_proxies", "%q is not an address range (10.0.0.0/8) or an address (192.0.2.7)", item)
			}
			prefix = netip.PrefixFrom(addr.Unmap(), addr.Unmap().BitLen())
		}
		if prefix.Addr().Is4In6() {
			prefix = netip.PrefixFrom(prefix.Addr().Unmap(), max(prefix.Bits()-96, 0))
		}
		p.trusted = append(p.trusted, prefix.Masked())
	}
	return p, nil
}

// String lists the trusted ranges, for the log.
func (p Proxies) String() string {
	var s []string
	for _, t := range p.trusted {
		s = append(s, t.String())
	}
	return strings.Join(s, ",")
}

func (p Proxies) trusts(a netip.Addr) bool {
	for _, t := range p.trusted {
		if t.Contains(a) {
			return true
		}
	}
	return false
}

// ClientIP is the address of the client of r. It is the connecting address, unless that
// is a trusted proxy: then the forwarding header is read from the right (the hop the
// proxy added last) to the left, past every trusted proxy, and the first address that is
// not a trusted proxy is the client. Entries further left were written by the client and
// are never believed. A hop that is not an address ("unknown", an obfuscated name,
// garbage) stops the walk at the last trusted proxy known.
func (p Proxies) ClientIP(r *http.Request) string {
	peer, ok := parseHop(r.RemoteAddr)
	if !ok {
		return connectingHost(r)
	}
	if !p.trusts(peer) {
		return peer.String()
	}
	hops := forwardedFor(r.Header)
	client := peer
	for i := len(hops) - 1; i >= 0; i-- {
		a, ok := parseHop(hops[i])
		if !ok {
			break
		}
		client = a
		if !p.trusts(a) {
			break
		}
	}
	return client.String()
}

// forwardedFor lists the hops of X-Forwarded-For (every header line, in order), or
// without it the for= parameters of Forwarded (RFC 7239), client first.
func forwardedFor(h http.Header) []string {
	var hops []string
	for _, line := range h.Values("X-Forwarded-For") {
		hops = append(hops, strings.Split(line, ",")...)
	}
	if len(hops) > 0 {
		return hops
	}
	for _, line := range h.Values("Forwarded") {
		for _, element := range strings.Split(line, ",") {
			hop := "unknown" // an element without for= is a hop we cannot read
			for _, pair := range strings.Split(element, ";") {
				k, v, _ := strings.Cut(strings.TrimSpace(pair), "=")
				if strings.EqualFold(k, "for") {
					hop = strings.Trim(v, `"`)
				}
			}
			hops = append(hops, hop)
		}
	}
	return hops
}

// parseHop reads an address with or without a port: "192.0.2.7", "192.0.2.7:4711",
// "2001:db8::1", "[2001:db8::1]:4711". IPv4 in IPv6 is unmapped.
func parseHop(s string) (netip.Addr, bool) {
	s = strings.TrimSpace(s)
	if a, err := netip.ParseAddr(strings.Trim(s, "[]")); err == nil {
		return a.Unmap().WithZone(""), true
	}
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr().Unmap().WithZone(""), true
	}
	return netip.Addr{}, false
}

// connectingHost is the host part of r.RemoteAddr as given, for an address that does not
// parse (a test's "pipe", a Unix socket).
func connectingHost(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

type clientKey struct{}

// Middleware works out each request's client address once (Proxies.ClientIP) and keeps
// it in the request's context for ClientIP: the rate limits and the request log.
func (p Proxies) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), clientKey{}, p.ClientIP(r))))
	})
}

// ClientIP is the key of the client of a request: the address Proxies.Middleware found,
// or without that middleware the connecting address (no forwarding header is believed).
func ClientIP(r *http.Request) string {
	if ip, ok := r.Context().Value(clientKey{}).(string); ok {
		return ip
	}
	var none Proxies
	return none.ClientIP(r)
}
