package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLayering(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "node.yaml")
	os.WriteFile(file, []byte("dataDir: /from/file\nprovider:\n  cpu: \"2\"\n  labels: {region: eu}\n"), 0o600)
	c, err := Load(file)
	if err != nil {
		t.Fatal(err)
	}
	if c.DataDir != "/from/file" || c.Provider.CPU != "2" || c.Provider.Labels["region"] != "eu" {
		t.Fatalf("file not applied: %+v", c)
	}
	if c.Log.Level != "info" || !c.Provider.Enabled {
		t.Fatalf("defaults lost: %+v", c)
	}
	env := map[string]string{"OPENSKY_DATA_DIR": "/from/env", "OPENSKY_P2P_BOOTSTRAP": "/ip4/127.0.0.1/tcp/1/p2p/x, /ip4/127.0.0.1/tcp/2/p2p/y", "OPENSKY_GATEWAY_ENABLED": "true"}
	if err := c.ApplyEnv(func(k string) (string, bool) { v, ok := env[k]; return v, ok }); err != nil {
		t.Fatal(err)
	}
	if c.DataDir != "/from/env" || len(c.P2P.Bootstrap) != 2 || !c.Gateway.Enabled {
		t.Fatalf("env not applied: %+v", c)
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	cpu, _, _, _ := c.Provider.Capacity()
	if cpu != 2000 {
		t.Fatalf("cpu = %d", cpu)
	}
}

func TestUnknownKeyInFile(t *testing.T) {
	file := filepath.Join(t.TempDir(), "node.yaml")
	os.WriteFile(file, []byte("provider:\n  cpus: 2\n"), 0o600)
	if _, err := Load(file); err == nil || !strings.Contains(err.Error(), "cpus") {
		t.Fatalf("err = %v", err)
	}
}

func TestValidateNamesSections(t *testing.T) {
	c := Default()
	c.Log.Level = "loud"
	c.Provider.Memory = "lots"
	c.Provider.Engines = []string{"vm"}
	c.Provider.PricePerCPUSecond = "-1"
	err := c.Validate()
	if err == nil {
		t.Fatal("accepted")
	}
	for _, want := range []string{"log.level", "provider: memory", "provider.engines", "pricePerCpuSecond"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("missing %q in %v", want, err)
		}
	}
	bad := Default()
	if err := bad.ApplyEnv(func(k string) (string, bool) { return "maybe", k == "OPENSKY_P2P_MDNS" }); err == nil {
		t.Error("bad boolean accepted")
	}
}
