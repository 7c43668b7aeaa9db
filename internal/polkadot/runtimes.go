package polkadot

import (
	"context"
	"fmt"
)

// This file keeps the runtimes a Client has seen, by spec version, and
// finds the one a block ran.
//
// Gossamer cannot answer state_getRuntimeVersion or state_getMetadata at a
// finalized block older than the latest finalized one (its handler panics
// and the connection drops), while storage at such a block reads fine. So
// the runtime of a block is found from its System.LastRuntimeUpgrade
// storage value, which names the spec version; only a version not seen
// before costs a metadata read at that block.

// latestRuntime returns the runtime of the best block.
func (c *Client) latestRuntime(ctx context.Context) (*runtime, error) {
	var v runtimeVersion
	if err := c.rpc.call(ctx, &v, "state_getRuntimeVersion"); err != nil {
		return nil, err
	}
	if rt := c.cached(v.SpecVersion); rt != nil {
		c.setCurrent(rt)
		return rt, nil
	}
	rt, err := c.loadRuntime(ctx, Hash{})
	if err != nil {
		return nil, err
	}
	c.setCurrent(rt)
	return rt, nil
}

// runtimeFor returns the runtime block h ran.
func (c *Client) runtimeFor(ctx context.Context, h Hash) (*runtime, error) {
	c.mu.Lock()
	cur := c.current
	c.mu.Unlock()
	if cur != nil && cur.upgrade != nil {
		raw, ok, err := c.storage(ctx, cur.upgrade.prefix, h)
		if err != nil {
			return nil, err
		}
		if ok {
			if spec, err := cur.upgradeSpec(raw); err == nil {
				if rt := c.cached(spec); rt != nil {
					return rt, nil
				}
			}
		}
	}
	return c.loadRuntime(ctx, h)
}

// loadRuntime reads, checks and caches the metadata at block at (the best
// block when at is zero).
func (c *Client) loadRuntime(ctx context.Context, at Hash) (*runtime, error) {
	var hexMeta string
	var err error
	if at.IsZero() {
		err = c.rpc.call(ctx, &hexMeta, "state_getMetadata")
	} else {
		err = c.rpc.call(ctx, &hexMeta, "state_getMetadata", at.Hex())
	}
	if err != nil {
		return nil, err
	}
	meta, err := decodeMetadata(hexMeta)
	if err != nil {
		return nil, err
	}
	rt, err := newRuntime(meta, c.asset)
	if err != nil {
		return nil, fmt.Errorf("polkadot: runtime at %s: %w", at.Hex(), err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if old := c.runtimes[rt.version.SpecVersion]; old != nil {
		return old, nil
	}
	if len(c.runtimes) >= maxRuntimes {
		for k, r := range c.runtimes {
			if r != c.current {
				delete(c.runtimes, k)
				break
			}
		}
	}
	c.runtimes[rt.version.SpecVersion] = rt
	c.log.Info("polkadot: runtime loaded", "runtime", rt.version.SpecName, "specVersion", rt.version.SpecVersion,
		"txVersion", rt.version.TransactionVersion)
	return rt, nil
}

func (c *Client) cached(spec uint32) *runtime {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.runtimes[spec]
}

func (c *Client) setCurrent(rt *runtime) {
	c.mu.Lock()
	c.current = rt
	c.mu.Unlock()
}
