package config

import (
	"fmt"
	"strconv"
	"time"
)

// GatewayAuth is how a gateway authenticates API requests: signed with an
// account's key or carrying an API token (docs/api-auth.md).
type GatewayAuth struct {
	// Enabled requires authentication on every /api/v1 route but the
	// public ones (health, metrics, the OpenAPI document, node info, the
	// provider list, the chain's status), and shows each account only
	// its own jobs. On by default.
	Enabled bool `yaml:"enabled"`
	// ClockSkew is how far a signed request's timestamp may be from the
	// gateway's clock, either way ("5m").
	ClockSkew string `yaml:"clockSkew"`
	// RatePerSecond and Burst are each account's request budget, and
	// each remote address's for requests without credentials.
	RatePerSecond float64 `yaml:"ratePerSecond"`
	Burst         int     `yaml:"burst"`
	// DevAccounts tells clients that this is a local development network
	// where the public development accounts (//Alice) may sign; the local
	// network of `opensky up` sets it.
	DevAccounts bool `yaml:"devAccounts"`
	// Dir keeps the API tokens (default <dataDir>/auth).
	Dir string `yaml:"dir"`
}

// Bounds of the authentication settings.
const (
	maxClockSkew = time.Hour
	maxRate      = 100_000
	maxBurst     = 1_000_000
)

// defaultGatewayAuth is authentication on, with a generous budget.
func defaultGatewayAuth() GatewayAuth {
	return GatewayAuth{Enabled: true, ClockSkew: "5m", RatePerSecond: 20, Burst: 40}
}

// ClockSkewDuration parses ClockSkew (zero when empty).
func (a *GatewayAuth) ClockSkewDuration() (time.Duration, error) {
	d, err := parsePositive(a.ClockSkew)
	if err != nil {
		return 0, err
	}
	if d > maxClockSkew {
		return 0, fmt.Errorf("%q is more than %s: a replayed request would be accepted for too long", a.ClockSkew, maxClockSkew)
	}
	return d, nil
}

// validateAuth checks the gateway's auth section.
func (c *Config) validateAuth(bad func(section, format string, args ...any)) {
	if !c.Gateway.Enabled {
		return
	}
	a := &c.Gateway.Auth
	if _, err := a.ClockSkewDuration(); err != nil {
		bad("gateway.auth.clockSkew", "%v", err)
	}
	if a.RatePerSecond < 0 || a.RatePerSecond > maxRate {
		bad("gateway.auth.ratePerSecond", "%s is not between 0 (the default, 20) and %d", strconv.FormatFloat(a.RatePerSecond, 'g', -1, 64), maxRate)
	}
	if a.Burst < 0 || a.Burst > maxBurst {
		bad("gateway.auth.burst", "%d is not between 0 (the default, 40) and %d", a.Burst, maxBurst)
	}
	if a.Burst > 0 && a.RatePerSecond > 0 && float64(a.Burst) < a.RatePerSecond {
		bad("gateway.auth.burst", "%d is less than ratePerSecond (%g): a client could never use its whole rate", a.Burst, a.RatePerSecond)
	}
}

// applyAuthEnv reads the OPENSKY_GATEWAY_AUTH_* variables.
func (c *Config) applyAuthEnv(lookup func(string) (string, bool)) []error {
	var errs []error
	a := &c.Gateway.Auth
	if v, ok := lookup("OPENSKY_GATEWAY_AUTH_ENABLED"); ok {
		b, err := strconv.ParseBool(v)
		if err != nil {
			errs = append(errs, fmt.Errorf("OPENSKY_GATEWAY_AUTH_ENABLED: %w", err))
		}
		a.Enabled = b
	}
	if v, ok := lookup("OPENSKY_GATEWAY_AUTH_CLOCK_SKEW"); ok {
		a.ClockSkew = v
	}
	if v, ok := lookup("OPENSKY_GATEWAY_AUTH_RATE_PER_SECOND"); ok {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			errs = append(errs, fmt.Errorf("OPENSKY_GATEWAY_AUTH_RATE_PER_SECOND: %w", err))
		}
		a.RatePerSecond = f
	}
	if v, ok := lookup("OPENSKY_GATEWAY_AUTH_BURST"); ok {
		n, err := strconv.Atoi(v)
		if err != nil {
			errs = append(errs, fmt.Errorf("OPENSKY_GATEWAY_AUTH_BURST: %w", err))
		}
		a.Burst = n
	}
	return errs
}
