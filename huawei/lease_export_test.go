package huawei

import "time"

// SetROMALeaseTTL shortens the ROMA lease of p, so that tests can see one
// expire. Call it before p is used.
func SetROMALeaseTTL(p *Provider, ttl time.Duration) { p.roma.ttl = ttl }
