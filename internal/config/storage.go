package config

import (
	"fmt"
	"time"

	"github.com/opensky-network/opensky/internal/spec"
	"github.com/opensky-network/opensky/internal/storage"
)

// Storage is the disk space a provider rents out to the storage network.
type Storage struct {
	Enabled bool `yaml:"enabled"`
	// Capacity is the most the provider keeps ("50Gi").
	Capacity string `yaml:"capacity"`
	// PricePerGBMonth is USD for keeping 10^9 bytes for 30 days
	// ("0.002").
	PricePerGBMonth string `yaml:"pricePerGbMonth"`
	// Dir holds the shards (default <dataDir>/storage).
	Dir string `yaml:"dir"`
}

// GatewayStorage is how a gateway runs the storage network for its users.
type GatewayStorage struct {
	Enabled bool `yaml:"enabled"`
	// Redundancy is the default layout, "data+parity" ("10+4").
	Redundancy string `yaml:"redundancy"`
	// AuditInterval is how often every stored object is audited and,
	// when it needs it, repaired ("10m").
	AuditInterval string `yaml:"auditInterval"`
}

// Parsed returns the provider's capacity in bytes and its price in
// micro-USD per GB-month.
func (s *Storage) Parsed() (capacity int64, price int64, err error) {
	c, err := spec.ParseByteSize(s.Capacity)
	if err != nil {
		return 0, 0, fmt.Errorf("capacity: %w", err)
	}
	if c <= 0 {
		return 0, 0, fmt.Errorf("capacity: must be more than zero")
	}
	p, err := spec.ParseMicroUSD(s.PricePerGBMonth)
	if err != nil {
		return 0, 0, fmt.Errorf("pricePerGbMonth: %w", err)
	}
	return int64(c), int64(p), nil
}

// Parsed returns the gateway's default layout and audit interval.
func (g *GatewayStorage) Parsed() (storage.Layout, time.Duration, error) {
	l, err := storage.ParseLayout(g.Redundancy)
	if err != nil {
		return l, 0, fmt.Errorf("redundancy: %w", err)
	}
	d, err := parsePositive(g.AuditInterval)
	if err != nil {
		return l, 0, fmt.Errorf("auditInterval: %w", err)
	}
	return l, d, nil
}

func (c *Config) validateStorage(bad func(section, format string, args ...any)) {
	if c.Provider.Enabled && c.Provider.Storage.Enabled {
		if _, _, err := c.Provider.Storage.Parsed(); err != nil {
			bad("provider.storage", "%v", err)
		}
	}
	if c.Gateway.Enabled && c.Gateway.Storage.Enabled {
		if _, _, err := c.Gateway.Storage.Parsed(); err != nil {
			bad("gateway.storage", "%v", err)
		}
	}
}
