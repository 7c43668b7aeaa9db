// Package selection chooses providers for a task. It is a chain of
// single-purpose stages over a snapshot of candidates:
//
//	candidates (presence ∩ chain registry, with reputation, owner, latency)
//	  │ filters, in order, the first to say no rules a candidate out:
//	  │   engine → presence fresh → resources free → architecture →
//	  │   labels and constraints → GPU → reputation floor → price ceiling →
//	  │   not a replica holder → not a replica holder's owner
//	  ▼
//	  │ weighted rankers, each in [0, 1]:
//	  │   placement (spread or pack) 0.40, price 0.25, reputation 0.20,
//	  │   latency 0.15
//	  ▼
//	the best Request.Limit, out of the first Request.Sample feasible
//
// Selection only reads. It reserves nothing and changes no state: the
// same snapshot can serve many placements, and why a candidate was ruled
// out (Outcome.Rejected) is worked out only when someone asks. What comes
// next belongs to the orchestrator: it asks the chosen providers for
// signed bids under a short deadline, falls back to the next candidates
// when one declines or does not answer, and its plan (the claim, the
// dispatch and the task record) is the only thing that changes state.
package selection
