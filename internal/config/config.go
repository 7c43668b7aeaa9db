package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/opensky-network/opensky/internal/spec"
)

// Config is a node's whole configuration.
type Config struct {
	// DataDir holds the node's identity, stores and caches.
	DataDir  string   `yaml:"dataDir"`
	Log      Log      `yaml:"log"`
	P2P      P2P      `yaml:"p2p"`
	Gateway  Gateway  `yaml:"gateway"`
	Provider Provider `yaml:"provider"`
	Chain    Chain    `yaml:"chain"`
	Bridge   Bridge   `yaml:"bridge"`
}

// Log configures logging.
type Log struct {
	Level  string `yaml:"level"`  // debug, info, warn, error
	Format string `yaml:"format"` // text or json
}

// P2P configures the libp2p host.
type P2P struct {
	Listen    []string `yaml:"listen"`
	Bootstrap []string `yaml:"bootstrap"`
	MDNS      bool     `yaml:"mdns"`
	DHT       bool     `yaml:"dht"`
	// DHTServer answers DHT queries for others; turn it off on a machine
	// that others cannot reach.
	DHTServer bool `yaml:"dhtServer"`
}

// Gateway configures the orchestrator and its HTTP API, which run together.
type Gateway struct {
	Enabled bool   `yaml:"enabled"`
	Listen  string `yaml:"listen"`
	// PresenceTimeout is how long a silent provider is still trusted.
	PresenceTimeout string `yaml:"presenceTimeout"`
	// Storage runs the storage network for the gateway's users.
	Storage GatewayStorage `yaml:"storage"`
	// Auth is how the API authenticates requests (auth.go).
	Auth GatewayAuth `yaml:"auth"`
}

// Provider configures the provider daemon.
type Provider struct {
	Enabled bool     `yaml:"enabled"`
	Engines []string `yaml:"engines"`
	// CPU, Memory and Disk cap what is offered ("2", "4Gi", "50Gi");
	// empty means detected from the machine.
	CPU      string `yaml:"cpu"`
	Memory   string `yaml:"memory"`
	Disk     string `yaml:"disk"`
	MaxTasks int    `yaml:"maxTasks"`
	// PricePerCPUSecond and MinPrice are USD amounts ("0.0001").
	PricePerCPUSecond string            `yaml:"pricePerCpuSecond"`
	MinPrice          string            `yaml:"minPrice"`
	Labels            map[string]string `yaml:"labels"`
	PresenceInterval  string            `yaml:"presenceInterval"`
	// Docker is the policy for container jobs (engine docker).
	Docker Docker `yaml:"docker"`
	// Storage is the disk space rented out to the storage network.
	Storage Storage `yaml:"storage"`
}

// Docker is a provider's policy for container jobs.
type Docker struct {
	// AllowImages, when set, lists the only images jobs may use;
	// DenyImages lists images they may not (deny wins). Entries are names,
	// name:tag, name@digest, sha256: IDs, or patterns like "myorg/*".
	AllowImages []string `yaml:"allowImages"`
	DenyImages  []string `yaml:"denyImages"`
	// AllowNetwork lets jobs that ask for network have it.
	AllowNetwork bool `yaml:"allowNetwork"`
	// AllowImageUser runs jobs as their image's user instead of nobody.
	AllowImageUser bool `yaml:"allowImageUser"`
	// MaxContainers bounds the containers running at once.
	MaxContainers int `yaml:"maxContainers"`
	// Runtime selects the OCI runtime, e.g. "runsc" for gVisor.
	Runtime string `yaml:"runtime"`
	// The most a single job may ask for.
	MaxMemory  string `yaml:"maxMemory"`
	MaxDisk    string `yaml:"maxDisk"`
	MaxTimeout string `yaml:"maxTimeout"`
	MaxPids    int64  `yaml:"maxPids"`
}

// DefaultAPIPort is the gateway's port on loopback by default.
const DefaultAPIPort = 7700

// Default is the configuration of a provider node on this machine.
func Default() Config {
	home, err := os.UserHomeDir()
	if err != nil {
		home = os.TempDir()
	}
	return Config{
		DataDir: filepath.Join(home, ".opensky"),
		Log:     Log{Level: "info", Format: "text"},
		P2P: P2P{
			Listen:    []string{"/ip4/127.0.0.1/tcp/4001", "/ip4/127.0.0.1/udp/4001/quic-v1"},
			MDNS:      false,
			DHT:       true,
			DHTServer: true,
		},
		Gateway: Gateway{Listen: fmt.Sprintf("127.0.0.1:%d", DefaultAPIPort), PresenceTimeout: "10s",
			Storage: GatewayStorage{Enabled: true, Redundancy: "10+4", AuditInterval: "10m"},
			Auth:    defaultGatewayAuth()},
		Bridge: Bridge{Asset: "native", AnchorEvery: 100, Period: 64, Poll: "2s"},
		Provider: Provider{
			Enabled:           true,
			Engines:           []string{"wasm"},
			PricePerCPUSecond: "0.0001",
			MinPrice:          "0.000001",
			PresenceInterval:  "1s",
			Storage:           Storage{Capacity: "10Gi", PricePerGBMonth: "0.002"},
		},
	}
}

// Load reads a YAML file over the defaults. Unknown keys are errors.
func Load(path string) (Config, error) {
	c := Default()
	if path == "" {
		return c, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return c, fmt.Errorf("config: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, 1<<20))
	if err != nil {
		return c, fmt.Errorf("config: %w", err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil && !errors.Is(err, io.EOF) {
		return c, fmt.Errorf("config %s: %w", path, err)
	}
	return c, nil
}

// ApplyEnv overrides values from OPENSKY_* variables, read through lookup
// (os.LookupEnv in the product).
func (c *Config) ApplyEnv(lookup func(string) (string, bool)) error {
	str := func(name string, dst *string) {
		if v, ok := lookup(name); ok {
			*dst = v
		}
	}
	list := func(name string, dst *[]string) {
		if v, ok := lookup(name); ok {
			*dst = splitList(v)
		}
	}
	var errs []error
	boolean := func(name string, dst *bool) {
		if v, ok := lookup(name); ok {
			b, err := strconv.ParseBool(v)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", name, err))
				return
			}
			*dst = b
		}
	}
	str("OPENSKY_DATA_DIR", &c.DataDir)
	str("OPENSKY_LOG_LEVEL", &c.Log.Level)
	str("OPENSKY_LOG_FORMAT", &c.Log.Format)
	list("OPENSKY_P2P_LISTEN", &c.P2P.Listen)
	list("OPENSKY_P2P_BOOTSTRAP", &c.P2P.Bootstrap)
	boolean("OPENSKY_P2P_MDNS", &c.P2P.MDNS)
	boolean("OPENSKY_P2P_DHT", &c.P2P.DHT)
	boolean("OPENSKY_P2P_DHT_SERVER", &c.P2P.DHTServer)
	boolean("OPENSKY_GATEWAY_ENABLED", &c.Gateway.Enabled)
	str("OPENSKY_GATEWAY_LISTEN", &c.Gateway.Listen)
	boolean("OPENSKY_PROVIDER_ENABLED", &c.Provider.Enabled)
	list("OPENSKY_PROVIDER_ENGINES", &c.Provider.Engines)
	str("OPENSKY_PROVIDER_CPU", &c.Provider.CPU)
	str("OPENSKY_PROVIDER_MEMORY", &c.Provider.Memory)
	str("OPENSKY_PROVIDER_DISK", &c.Provider.Disk)
	str("OPENSKY_PROVIDER_PRICE_PER_CPU_SECOND", &c.Provider.PricePerCPUSecond)
	str("OPENSKY_PROVIDER_MIN_PRICE", &c.Provider.MinPrice)
	boolean("OPENSKY_PROVIDER_STORAGE_ENABLED", &c.Provider.Storage.Enabled)
	str("OPENSKY_PROVIDER_STORAGE_CAPACITY", &c.Provider.Storage.Capacity)
	str("OPENSKY_PROVIDER_STORAGE_PRICE_PER_GB_MONTH", &c.Provider.Storage.PricePerGBMonth)
	str("OPENSKY_GATEWAY_STORAGE_REDUNDANCY", &c.Gateway.Storage.Redundancy)
	boolean("OPENSKY_CHAIN_ENABLED", &c.Chain.Enabled)
	boolean("OPENSKY_CHAIN_VALIDATOR", &c.Chain.Validator)
	str("OPENSKY_CHAIN_RPC", &c.Chain.RPC)
	str("OPENSKY_CHAIN_GENESIS", &c.Chain.Genesis)
	list("OPENSKY_CHAIN_PEERS", &c.Chain.Peers)
	str("OPENSKY_CHAIN_ACCOUNT", &c.Chain.Account)
	boolean("OPENSKY_BRIDGE_ENABLED", &c.Bridge.Enabled)
	str("OPENSKY_BRIDGE_POLKADOT_RPC", &c.Bridge.PolkadotRPC)
	str("OPENSKY_BRIDGE_ASSET", &c.Bridge.Asset)
	str("OPENSKY_BRIDGE_ACCOUNT", &c.Bridge.Account)
	errs = append(errs, c.applyAuthEnv(lookup)...)
	if v, ok := lookup("OPENSKY_PROVIDER_MAX_TASKS"); ok {
		n, err := strconv.Atoi(v)
		if err != nil {
			errs = append(errs, fmt.Errorf("OPENSKY_PROVIDER_MAX_TASKS: %w", err))
		}
		c.Provider.MaxTasks = n
	}
	return errors.Join(errs...)
}

func splitList(v string) []string {
	var out []string
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// Validate checks every section and reports all problems, each prefixed
// with its section.
func (c *Config) Validate() error {
	var errs []error
	bad := func(section, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", section, fmt.Sprintf(format, args...)))
	}
	if c.DataDir == "" {
		bad("dataDir", "is required")
	}
	switch c.Log.Level {
	case "debug", "info", "warn", "error":
	default:
		bad("log.level", "%q is not one of debug, info, warn, error", c.Log.Level)
	}
	if c.Log.Format != "text" && c.Log.Format != "json" {
		bad("log.format", "%q is not text or json", c.Log.Format)
	}
	if len(c.P2P.Listen) == 0 {
		bad("p2p.listen", "needs at least one address")
	}
	if !c.Gateway.Enabled && !c.Provider.Enabled && !(c.Chain.Enabled && c.Chain.Validator) {
		bad("node", "enable the gateway, the provider, a chain validator, or several")
	}
	c.Chain.validate(bad)
	c.validateBridge(bad)
	c.validateStorage(bad)
	c.validateAuth(bad)
	if c.Gateway.Enabled {
		if c.Gateway.Listen == "" {
			bad("gateway.listen", "is required")
		}
		if _, err := c.Gateway.PresenceTimeoutDuration(); err != nil {
			bad("gateway.presenceTimeout", "%v", err)
		}
	}
	if c.Provider.Enabled {
		p := &c.Provider
		if _, _, _, err := p.Capacity(); err != nil {
			bad("provider", "%v", err)
		}
		if _, _, err := p.Prices(); err != nil {
			bad("provider", "%v", err)
		}
		if _, err := p.PresenceEvery(); err != nil {
			bad("provider.presenceInterval", "%v", err)
		}
		if len(p.Engines) == 0 {
			bad("provider.engines", "needs at least one engine")
		}
		for _, e := range p.Engines {
			if e != string(spec.EngineWasm) && e != string(spec.EngineDocker) {
				bad("provider.engines", "%q is not an engine (wasm, docker)", e)
			}
		}
		d := &p.Docker
		for name, v := range map[string]string{"maxMemory": d.MaxMemory, "maxDisk": d.MaxDisk} {
			if v != "" {
				if _, err := spec.ParseByteSize(v); err != nil {
					bad("provider.docker."+name, "%v", err)
				}
			}
		}
		if d.MaxTimeout != "" {
			if _, err := spec.ParseDuration(d.MaxTimeout); err != nil {
				bad("provider.docker.maxTimeout", "%v", err)
			}
		}
		if d.MaxContainers < 0 || d.MaxPids < 0 {
			bad("provider.docker", "maxContainers and maxPids must not be negative")
		}
		if p.MaxTasks < 0 {
			bad("provider.maxTasks", "must not be negative")
		}
	}
	return errors.Join(errs...)
}

// PresenceTimeoutDuration parses the gateway's presence timeout.
func (g *Gateway) PresenceTimeoutDuration() (time.Duration, error) {
	return parsePositive(g.PresenceTimeout)
}

// PresenceEvery parses the provider's announcement interval.
func (p *Provider) PresenceEvery() (time.Duration, error) {
	return parsePositive(p.PresenceInterval)
}

func parsePositive(s string) (time.Duration, error) {
	if s == "" {
		return 0, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, err
	}
	if d <= 0 {
		return 0, fmt.Errorf("%q must be positive", s)
	}
	return d, nil
}

// Capacity parses the offered CPU, memory and disk (zero means detect).
func (p *Provider) Capacity() (cpu spec.MilliCPU, mem, disk spec.ByteSize, err error) {
	if p.CPU != "" {
		if cpu, err = spec.ParseMilliCPU(p.CPU); err != nil {
			return 0, 0, 0, fmt.Errorf("cpu: %w", err)
		}
	}
	if p.Memory != "" {
		if mem, err = spec.ParseByteSize(p.Memory); err != nil {
			return 0, 0, 0, fmt.Errorf("memory: %w", err)
		}
	}
	if p.Disk != "" {
		if disk, err = spec.ParseByteSize(p.Disk); err != nil {
			return 0, 0, 0, fmt.Errorf("disk: %w", err)
		}
	}
	return cpu, mem, disk, nil
}

// Prices parses the provider's prices into micro-USD.
func (p *Provider) Prices() (perCPUSecond, min spec.MicroUSD, err error) {
	if p.PricePerCPUSecond != "" {
		if perCPUSecond, err = spec.ParseMicroUSD(p.PricePerCPUSecond); err != nil {
			return 0, 0, fmt.Errorf("pricePerCpuSecond: %w", err)
		}
	}
	if p.MinPrice != "" {
		if min, err = spec.ParseMicroUSD(p.MinPrice); err != nil {
			return 0, 0, fmt.Errorf("minPrice: %w", err)
		}
	}
	return perCPUSecond, min, nil
}
