// Package selection chooses providers for a task: a chain of feasibility
// filters (each says why it ruled a provider out), then rankers whose
// weighted scores order the survivors. It only reads; the orchestrator's
// plan is the only thing that changes state.
package selection
