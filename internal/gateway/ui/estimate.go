package ui

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strconv"

	"github.com/opensky-network/opensky/internal/api"
	"github.com/opensky-network/opensky/internal/ledger"
	"github.com/opensky-network/opensky/internal/pricing"
	"github.com/opensky-network/opensky/internal/spec"
)

// priceEstimate is the worst-case cost of a job the form describes:
// every task keeping all its CPUs busy until its timeout, at the prices
// the providers online announce, plus the chain's protocol fee.
type priceEstimate struct {
	OK        bool   `json:"ok"`   // the numbers below are set
	Text      string `json:"text"` // one sentence for the page
	Tasks     int64  `json:"tasks"`
	Providers int    `json:"providers"` // providers online that run wasm
	// Per task at the cheapest and at the median provider.
	CheapestTask int64 `json:"cheapestTask"`
	MedianTask   int64 `json:"medianTask"`
	// The whole job, fee included.
	Cheapest int64 `json:"cheapest"`
	Median   int64 `json:"median"`
	FeeBps   int64 `json:"feeBps"`
	HasChain bool  `json:"hasChain"`
}

// worstExecutions is how many times a shard can run under a verification
// mode: its replicas, or for spot-check and auto one run, a re-execution
// and a tie-break.
func worstExecutions(mode spec.Verification, replicas int) int64 {
	switch mode {
	case spec.VerifySpotCheck, spec.VerifyAuto:
		return 3
	}
	return int64(max(replicas, 1))
}

// estimateFor computes the estimate for f's shards, replicas, CPU,
// timeout and verification; other fields do not change the price.
func (h *Handler) estimateFor(ctx context.Context, f jobForm) priceEstimate {
	j := spec.Job{APIVersion: spec.APIVersion, Engine: spec.EngineWasm, Module: spec.BlobRef(nil)}
	ps := &formProblems{}
	j.Shards = parseCount(ps, fieldShards, f.Shards)
	j.Replicas = parseCount(ps, fieldReplicas, f.Replicas)
	var err error
	if f.CPU != "" {
		if j.Resources.CPU, err = spec.ParseMilliCPU(f.CPU); err != nil {
			ps.addErr(fieldCPU, err)
		}
	}
	if f.Timeout != "" {
		if j.Resources.Timeout, err = spec.ParseDuration(f.Timeout); err != nil {
			ps.addErr(fieldTimeout, err)
		}
	}
	j.Verification = spec.Verification(f.Verification)
	j.Default()
	if !ps.empty() || j.Shards < 1 || j.Shards > spec.MaxShards || j.Replicas < 1 || j.Replicas > spec.MaxReplicas ||
		j.Resources.CPU <= 0 || j.Resources.CPU > spec.MaxCPU || j.Resources.Timeout > spec.MaxTimeout {
		return priceEstimate{Text: "Fix the shards, replicas, CPU and timeout to see a price estimate."}
	}
	providers, err := h.b.Providers(ctx)
	if err != nil {
		h.log.Warn("estimate: providers failed", "err", err)
		return priceEstimate{Text: "No price estimate: the gateway could not list the providers."}
	}
	e := priceEstimate{Tasks: int64(j.Shards) * worstExecutions(j.Verification, j.Replicas)}
	if h.chain != nil {
		info, err := h.chain.ChainInfo(ctx)
		if err != nil {
			h.log.Warn("estimate: chain info failed", "err", err)
			return priceEstimate{Text: "No price estimate: the chain did not answer with its protocol fee."}
		}
		e.HasChain, e.FeeBps = true, info.FeeBps
	}
	return estimate(e, providers, int64(j.Resources.CPU), j.Resources.Timeout.Std().Milliseconds())
}

// estimate fills e, whose Tasks, HasChain and FeeBps are set, from the
// providers' prices for tasks of milliCPU and timeoutMs. The median of an
// even number of providers is the dearer of the middle two.
func estimate(e priceEstimate, providers []api.Provider, milliCPU, timeoutMs int64) priceEstimate {
	var perTask []int64
	for _, p := range providers {
		if slices.Contains(p.Engines, string(spec.EngineWasm)) {
			perTask = append(perTask, pricing.WorstCase(p.PricePerCPUSecond, p.MinPrice, milliCPU, timeoutMs))
		}
	}
	e.Providers = len(perTask)
	if len(perTask) == 0 {
		e.Text = "No price estimate: no provider online runs WebAssembly."
		return e
	}
	slices.Sort(perTask)
	e.CheapestTask, e.MedianTask = perTask[0], perTask[len(perTask)/2]
	var ok1, ok2 bool
	e.Cheapest, ok1 = jobTotal(e.CheapestTask, e.Tasks, e.FeeBps)
	e.Median, ok2 = jobTotal(e.MedianTask, e.Tasks, e.FeeBps)
	if !ok1 || !ok2 {
		e.Text = "No price estimate: the worst case is too large to count."
		return e
	}
	e.OK = true
	e.Text = fmt.Sprintf("Worst case for %d task%s: %s at the cheapest provider's price, %s at the median provider's (of %d online)",
		e.Tasks, plural(e.Tasks), ledger.FormatUSD(e.Cheapest), ledger.FormatUSD(e.Median), e.Providers)
	switch {
	case e.HasChain:
		e.Text += ", including the " + formatBps(e.FeeBps) + " protocol fee."
	default:
		e.Text += ". This gateway has no chain: nothing is charged."
	}
	return e
}

// jobTotal is tasks × perTask plus the protocol fee on it; ok is false
// when that does not fit in an int64.
func jobTotal(perTask, tasks, feeBps int64) (int64, bool) {
	if perTask < 0 || tasks < 0 || (perTask > 0 && tasks > math.MaxInt64/perTask) {
		return 0, false
	}
	paid := perTask * tasks
	fee := ledger.Fee(paid, feeBps)
	if fee < 0 || paid > math.MaxInt64-fee {
		return 0, false
	}
	return paid + fee, true
}

func plural(n int64) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// estimateJSON answers GET /submit/estimate?shards=&replicas=&cpu=&timeout=&verification=
// with the estimate as JSON; the submit page's script refreshes its
// estimate with it as the fields change.
func (h *Handler) estimateJSON(w http.ResponseWriter, r *http.Request) {
	e := h.estimateFor(r.Context(), readJobForm(r.URL.Query()))
	data, err := json.Marshal(e)
	if err != nil {
		h.log.Error("estimate encode failed", "err", err)
		h.writeFallback(w, r)
		return
	}
	hdr := w.Header()
	hdr.Set("Content-Type", "application/json")
	hdr.Set("Content-Length", strconv.Itoa(len(data)))
	hdr.Set("X-Content-Type-Options", "nosniff")
	hdr.Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(data)
	}
}
