package config

import (
	"strings"
	"testing"
)

func TestGatewayAuthDefaults(t *testing.T) {
	c := Default()
	a := c.Gateway.Auth
	if !a.Enabled || a.ClockSkew != "5m" || a.RatePerSecond != 20 || a.Burst != 40 || a.DevAccounts {
		t.Fatalf("default auth %+v", a)
	}
	c.Gateway.Enabled = true
	if err := c.Validate(); err != nil {
		t.Fatalf("the defaults do not validate: %v", err)
	}
}

func TestGatewayAuthValidate(t *testing.T) {
	for name, c := range map[string]struct {
		tune    func(*GatewayAuth)
		section string
	}{
		"skew not a duration": {func(a *GatewayAuth) { a.ClockSkew = "soon" }, "gateway.auth.clockSkew"},
		"skew negative":       {func(a *GatewayAuth) { a.ClockSkew = "-1m" }, "gateway.auth.clockSkew"},
		"skew too long":       {func(a *GatewayAuth) { a.ClockSkew = "2h" }, "gateway.auth.clockSkew"},
		"rate negative":       {func(a *GatewayAuth) { a.RatePerSecond = -1 }, "gateway.auth.ratePerSecond"},
		"rate huge":           {func(a *GatewayAuth) { a.RatePerSecond = 1e9 }, "gateway.auth.ratePerSecond"},
		"burst negative":      {func(a *GatewayAuth) { a.Burst = -1 }, "gateway.auth.burst"},
		"burst below rate":    {func(a *GatewayAuth) { a.RatePerSecond, a.Burst = 50, 10 }, "gateway.auth.burst"},
	} {
		cfg := Default()
		cfg.Gateway.Enabled = true
		c.tune(&cfg.Gateway.Auth)
		err := cfg.Validate()
		if err == nil || !strings.Contains(err.Error(), c.section+":") {
			t.Errorf("%s: %v, want an error naming %s", name, err, c.section)
		}
	}
	// Off, or on a node without a gateway, nothing is checked.
	cfg := Default()
	cfg.Gateway.Enabled = false
	cfg.Gateway.Auth.ClockSkew = "soon"
	if err := cfg.Validate(); err != nil {
		t.Fatalf("auth of a node without a gateway: %v", err)
	}
}

func TestGatewayAuthEnv(t *testing.T) {
	env := map[string]string{
		"OPENSKY_GATEWAY_AUTH_ENABLED":         "false",
		"OPENSKY_GATEWAY_AUTH_CLOCK_SKEW":      "2m",
		"OPENSKY_GATEWAY_AUTH_RATE_PER_SECOND": "5.5",
		"OPENSKY_GATEWAY_AUTH_BURST":           "11",
	}
	c := Default()
	if err := c.ApplyEnv(func(k string) (string, bool) { v, ok := env[k]; return v, ok }); err != nil {
		t.Fatal(err)
	}
	if a := c.Gateway.Auth; a.Enabled || a.ClockSkew != "2m" || a.RatePerSecond != 5.5 || a.Burst != 11 {
		t.Fatalf("from the environment: %+v", a)
	}
	env = map[string]string{"OPENSKY_GATEWAY_AUTH_ENABLED": "maybe", "OPENSKY_GATEWAY_AUTH_BURST": "x", "OPENSKY_GATEWAY_AUTH_RATE_PER_SECOND": "fast"}
	err := c.ApplyEnv(func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	for k := range env {
		if err == nil || !strings.Contains(err.Error(), k) {
			t.Errorf("a bad %s is not reported: %v", k, err)
		}
	}
}
