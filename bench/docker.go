package main

import (
	"context"
	"fmt"
	"log/slog"
	"os/exec"
	"time"

	"github.com/opensky-network/opensky/internal/config"
	"github.com/opensky-network/opensky/internal/devnet"
	"github.com/opensky-network/opensky/internal/dockertest"
	"github.com/opensky-network/opensky/internal/spec"
)

// dockerLatency compares a container job through the network with a plain
// `docker run --rm` of the same image and command, n times each,
// alternating so that both see the same machine.
func dockerLatency(ctx context.Context, n int) error {
	if err := dockertest.EnsureImages(ctx); err != nil {
		return err
	}
	net, err := devnet.Start(ctx, devnet.Options{
		GatewayListen: "127.0.0.1:0",
		Logger:        slog.New(slog.DiscardHandler),
		// One account drives the whole load: lift its request budget.
		RatePerSecond: 100_000,
		Provider: func(_ int, p *config.Provider) {
			p.CPU = "2"
			p.Memory = "4Gi"
			p.Engines = []string{"docker"}
		},
	})
	if err != nil {
		return err
	}
	defer net.Close()
	c, err := benchClient(net.URL)
	if err != nil {
		return err
	}
	s := spec.Job{
		APIVersion: spec.APIVersion, Engine: spec.EngineDocker, Image: dockertest.StaticImage, Args: []string{"exit", "0"},
		Resources: spec.Resources{CPU: 500, Memory: 128 << 20, Timeout: spec.Duration(time.Minute)},
	}
	raw := func() (time.Duration, error) {
		start := time.Now()
		out, err := exec.CommandContext(ctx, "docker", "run", "--rm", "--network", "none", dockertest.StaticImage, "exit", "0").CombinedOutput()
		if err != nil {
			return 0, fmt.Errorf("docker run: %w: %s", err, out)
		}
		return time.Since(start), nil
	}
	if _, err := raw(); err != nil { // warm
		return err
	}
	if _, err := submitAndWait(ctx, c, s); err != nil {
		return err
	}
	var rawLat, netLat []time.Duration
	for range n {
		d, err := raw()
		if err != nil {
			return err
		}
		rawLat = append(rawLat, d)
		if d, err = submitAndWait(ctx, c, s); err != nil {
			return err
		}
		netLat = append(netLat, d)
	}
	fmt.Printf("Docker job latency, FROM-scratch image, n=%d (p50 / p90)\n", n)
	fmt.Printf("  %-40s %9s / %9s\n", "docker run --rm (baseline)", pct(rawLat, 50), pct(rawLat, 90))
	fmt.Printf("  %-40s %9s / %9s\n", "OpenSky network: HTTP submit → result", pct(netLat, 50), pct(netLat, 90))
	fmt.Printf("  ratio network/docker run at p50: %.2fx (goal within 1.1x)\n", float64(pct(netLat, 50))/float64(max(pct(rawLat, 50), 1)))
	return nil
}
