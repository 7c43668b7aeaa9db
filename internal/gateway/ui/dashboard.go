package ui

import (
	"net/http"
	"strconv"

	"github.com/opensky-network/opensky/internal/api"
)

// capacity sums what the providers offer and what they have in use.
type capacity struct {
	Offered api.Capacity
	InUse   api.Capacity
}

// sumCapacity adds up the providers' capacity; what is in use is what is
// offered but not free.
func sumCapacity(ps []api.Provider) capacity {
	var c capacity
	for _, p := range ps {
		c.Offered.MilliCPU += p.Total.MilliCPU
		c.Offered.MemoryBytes += p.Total.MemoryBytes
		c.Offered.DiskBytes += p.Total.DiskBytes
		c.Offered.GPUs += p.Total.GPUs
		c.InUse.MilliCPU += max(p.Total.MilliCPU-p.Free.MilliCPU, 0)
		c.InUse.MemoryBytes += max(p.Total.MemoryBytes-p.Free.MemoryBytes, 0)
		c.InUse.DiskBytes += max(p.Total.DiskBytes-p.Free.DiskBytes, 0)
		c.InUse.GPUs += max(p.Total.GPUs-p.Free.GPUs, 0)
	}
	return c
}

// storageSum adds up the disk space the providers rent out to the
// storage network.
type storageSum struct {
	Providers int // providers that rent out storage
	Total     int64
	Free      int64
}

// sumStorage adds up the providers' storage offers; nil when none of
// them reports one.
func sumStorage(ps []api.Provider) *storageSum {
	var s storageSum
	for _, p := range ps {
		if p.Storage == nil {
			continue
		}
		s.Providers++
		s.Total += max(p.Storage.TotalBytes, 0)
		s.Free += max(p.Storage.FreeBytes, 0)
	}
	if s.Providers == 0 {
		return nil
	}
	return &s
}

// phaseCount is how many jobs are in one phase.
type phaseCount struct {
	Phase api.Phase
	Count int
}

// dashboardView is the dashboard's content.
type dashboardView struct {
	Providers     int
	Capacity      capacity
	Jobs          int
	Active        int
	Finished      int
	ByPhase       []phaseCount
	JobsChart     Chart
	CapacityChart Chart
	Chain         *chainSummary
	Storage       *storageSum // nil when no provider rents out storage
	// History is the network over time, from the sampler.
	History historyView
}

// dashboard shows the network at a glance.
func (h *Handler) dashboard(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	ps, err := h.b.Providers(ctx)
	if err != nil {
		h.failBackend(w, r, "the providers", err)
		return
	}
	jobs, err := h.b.ListJobs(ctx, api.ListOptions{Owner: h.listOwner(r)})
	if err != nil {
		h.failBackend(w, r, "the jobs", err)
		return
	}
	jobs = h.visible(r, jobs)
	v := dashboardView{Providers: len(ps), Capacity: sumCapacity(ps), Jobs: len(jobs), Storage: sumStorage(ps)}
	counts := make(map[api.Phase]int)
	for _, j := range jobs {
		counts[j.Phase]++
		if j.Phase.Terminal() {
			v.Finished++
		} else {
			v.Active++
		}
	}
	v.JobsChart = Chart{ID: "jobs-by-phase", Title: "Jobs by phase", Desc: "number of jobs in each phase"}
	for _, p := range phases {
		if counts[p] == 0 {
			continue
		}
		v.ByPhase = append(v.ByPhase, phaseCount{Phase: p, Count: counts[p]})
		v.JobsChart.Bars = append(v.JobsChart.Bars, Bar{Label: string(p), Value: float64(counts[p])})
	}
	v.CapacityChart = capacityChart(v.Capacity, v.Storage)
	v.Chain = h.loadChainSummary(r)
	v.History = h.historyCharts()
	h.render(w, r, http.StatusOK, "dashboard", view{Title: "Dashboard", Nav: "dashboard", Data: v})
}

// capacityChart draws the capacity in use against the capacity offered,
// and with st the storage taken against the storage offered.
func capacityChart(c capacity, st *storageSum) Chart {
	bar := func(label string, used, offered int64, text func(int64) string) Bar {
		return Bar{
			Label: label, Value: float64(used), Max: float64(max(offered, 1)),
			Text: text(used) + " of " + text(offered),
		}
	}
	gpus := func(n int64) string { return strconv.FormatInt(n, 10) }
	ch := Chart{
		ID: "capacity", Title: "Capacity in use", Desc: "capacity in use out of the capacity the providers offer",
		Bars: []Bar{
			bar("CPU", c.InUse.MilliCPU, c.Offered.MilliCPU, formatCPU),
			bar("memory", c.InUse.MemoryBytes, c.Offered.MemoryBytes, formatBytes),
			bar("disk", c.InUse.DiskBytes, c.Offered.DiskBytes, formatBytes),
			bar("GPU", c.InUse.GPUs, c.Offered.GPUs, gpus),
		},
	}
	if st != nil {
		ch.Bars = append(ch.Bars, bar("storage", max(st.Total-st.Free, 0), st.Total, formatBytes))
	}
	return ch
}
