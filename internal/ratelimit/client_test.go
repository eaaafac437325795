package ratelimit

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestClientIPBelievesForwardingHeadersOnlyFromTrustedProxies(t *testing.T) {
	proxies, err := ParseProxies("10.0.0.0/8, 192.0.2.7, fd00::/8")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		remote    string
		xff       []string // X-Forwarded-For lines
		forwarded []string // Forwarded lines
		want      string
	}{
		{"a direct client", "203.0.113.9:4711", nil, nil, "203.0.113.9"},
		{"a direct client spoofing X-Forwarded-For", "203.0.113.9:4711", []string{"198.51.100.1"}, nil, "203.0.113.9"},
		{"a direct client spoofing Forwarded", "203.0.113.9:4711", nil, []string{"for=198.51.100.1"}, "203.0.113.9"},
		{"a direct client claiming to come through a trusted proxy", "203.0.113.9:4711", []string{"198.51.100.1, 10.0.0.1"}, nil, "203.0.113.9"},
		{"through the proxy", "10.0.0.1:5000", []string{"198.51.100.1"}, nil, "198.51.100.1"},
		{"through the proxy, with an address the client wrote in front", "10.0.0.1:5000", []string{"6.6.6.6, 198.51.100.1"}, nil, "198.51.100.1"},
		{"through the proxy, the client writing a trusted address in front", "10.0.0.1:5000", []string{"10.9.9.9, 198.51.100.1"}, nil, "198.51.100.1"},
		{"through two trusted proxies", "10.0.0.1:5000", []string{"6.6.6.6, 198.51.100.1, 192.0.2.7"}, nil, "198.51.100.1"},
		{"the client's own header line comes first", "10.0.0.1:5000", []string{"6.6.6.6", "198.51.100.1"}, nil, "198.51.100.1"},
		{"every hop a trusted proxy: the farthest", "10.0.0.1:5000", []string{"10.0.0.3, 10.0.0.2"}, nil, "10.0.0.3"},
		{"garbage where the proxy wrote: the proxy", "10.0.0.1:5000", []string{"198.51.100.1, garbage"}, nil, "10.0.0.1"},
		{"garbage the client wrote is left of its address", "10.0.0.1:5000", []string{"garbage, 198.51.100.1"}, nil, "198.51.100.1"},
		{"an empty header: the proxy", "10.0.0.1:5000", []string{""}, nil, "10.0.0.1"},
		{"no header: the proxy", "10.0.0.1:5000", nil, nil, "10.0.0.1"},
		{"a hop with a port", "10.0.0.1:5000", []string{"198.51.100.1:6000"}, nil, "198.51.100.1"},
		{"IPv6 hops", "[fd00::1]:5000", []string{"2001:db8::17"}, nil, "2001:db8::17"},
		{"a trusted proxy as IPv4 in IPv6", "[::ffff:10.0.0.1]:5000", []string{"198.51.100.1"}, nil, "198.51.100.1"},
		{"Forwarded", "10.0.0.1:5000", nil, []string{`for=6.6.6.6, for=198.51.100.1;proto=https;by=10.0.0.1`}, "198.51.100.1"},
		{"Forwarded, quoted IPv6 with a port", "10.0.0.1:5000", nil, []string{`For="[2001:db8:cafe::17]:4711"`}, "2001:db8:cafe::17"},
		{"Forwarded for=unknown: the proxy", "10.0.0.1:5000", nil, []string{`for=198.51.100.1, for=unknown`}, "10.0.0.1"},
		{"Forwarded obfuscated: the proxy", "10.0.0.1:5000", nil, []string{`for=_hidden`}, "10.0.0.1"},
		{"X-Forwarded-For before Forwarded", "10.0.0.1:5000", []string{"198.51.100.1"}, []string{"for=6.6.6.6"}, "198.51.100.1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = tc.remote
			for _, v := range tc.xff {
				r.Header.Add("X-Forwarded-For", v)
			}
			for _, v := range tc.forwarded {
				r.Header.Add("Forwarded", v)
			}
			if got := proxies.ClientIP(r); got != tc.want {
				t.Errorf("ClientIP = %s, want %s", got, tc.want)
			}
			// Without trusted proxies no header is believed.
			var none Proxies
			if got, want := none.ClientIP(r), connectingHost(r); got != want && "::ffff:"+got != want {
				t.Errorf("without trusted proxies ClientIP = %s, want the connecting %s", got, want)
			}
		})
	}
}

func TestClientIPIsWhatTheMiddlewareFound(t *testing.T) {
	proxies, _ := ParseProxies("10.0.0.0/8")
	var got string
	h := proxies.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { got = ClientIP(r) }))
	r := httptest.NewRequest("GET", "/", nil)
	r.RemoteAddr = "10.0.0.1:5000"
	r.Header.Set("X-Forwarded-For", "198.51.100.1")
	h.ServeHTTP(httptest.NewRecorder(), r)
	if got != "198.51.100.1" {
		t.Errorf("ClientIP behind the middleware = %s, want the forwarded client", got)
	}
	if got := ClientIP(r); got != "10.0.0.1" {
		t.Errorf("ClientIP without the middleware = %s, want the connecting address", got)
	}
}

func TestParseProxies(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"", "", true},
		{"10.0.0.0/8", "10.0.0.0/8", true},
		{" 10.1.2.3/8 , 192.0.2.7,::1 ", "10.0.0.0/8,192.0.2.7/32,::1/128", true},
		{"::ffff:10.0.0.0/104", "10.0.0.0/8", true},
		{"10.0.0.0/33", "", false},
		{"proxy.example", "", false},
		{"10.0.0.0/8;192.0.2.7", "", false},
	}
	for _, tc := range tests {
		p, err := ParseProxies(tc.in)
		if (err == nil) != tc.ok || (tc.ok && p.String() != tc.want) {
			t.Errorf("ParseProxies(%q) = %q, %v; want %q, ok %v", tc.in, p, err, tc.want, tc.ok)
		}
	}
}
