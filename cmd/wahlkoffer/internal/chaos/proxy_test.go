package chaos

import (
	"fmt"
	"strings"
	"time"

	"github.com/wahlkoffer/wahlkoffer/cmd/wahlkoffer/internal/faultproxy"
)

// proxySummary is one line of what the proxy did.
func proxySummary(p *faultproxy.Proxy) string {
	s := p.Stats()
	var parts []string
	for f := range faultproxy.NumFaults {
		if s.ByFault[f] > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", f, s.ByFault[f]))
		}
	}
	return fmt.Sprintf("%d requests on %d connections (%d dropped, %.1f %%): %s; %d answered 502 while the tally restarted; "+
		"round trip to the tally p50 %v, p99 %v, max %v",
		s.Requests, s.Conns, s.Dropped, 100*float64(s.Dropped)/float64(max(1, s.Conns)),
		strings.Join(parts, ", "), s.BadGateway, percentile(s.RoundTrips, 50).Round(time.Microsecond),
		percentile(s.RoundTrips, 99).Round(time.Microsecond), percentile(s.RoundTrips, 100).Round(time.Microsecond))
}
