package spec

// Verification is how a job's results are checked before anyone is paid.
type Verification string

// The verification modes.
const (
	// VerifyNone accepts the one replica's result as it is.
	VerifyNone Verification = "none"
	// VerifyQuorum runs every shard on Replicas distinct providers and
	// accepts the output root a strict majority of them agree on.
	VerifyQuorum Verification = "quorum"
	// VerifySpotCheck runs each shard of a deterministic (wasm) job once
	// and re-executes its result on another provider with probability
	// SpotCheck; a mismatch is settled by a third execution.
	VerifySpotCheck Verification = "spot-check"
	// VerifyAuto replicates adaptively: a result from a provider with a
	// long clean record on the chain is accepted alone (and spot-checked
	// with probability SpotCheck); any other is run again on a distinct
	// provider, and a third breaks a tie.
	VerifyAuto Verification = "auto"
)

// DefaultSpotCheck is the re-execution probability when spotCheck is unset.
const DefaultSpotCheck Fraction = 0.1

// defaultVerification picks quorum for a replicated job and none for a
// single replica, and the default spot-check probability for the modes
// that use one. Replicas must already be defaulted.
func (j *Job) defaultVerification() {
	if j.Verification == "" {
		j.Verification = VerifyNone
		if j.Replicas > 1 {
			j.Verification = VerifyQuorum
		}
	}
	if j.SpotCheck == 0 && (j.Verification == VerifySpotCheck || j.Verification == VerifyAuto) {
		j.SpotCheck = DefaultSpotCheck
	}
}

// validateVerification checks the mode against the engine and replicas.
// Zero replicas and an empty mode mean unset.
func (j *Job) validateVerification(ps *problems) {
	replicas := max(j.Replicas, 1)
	switch j.Verification {
	case "":
	case VerifyNone:
		if replicas > 1 {
			ps.add("verification", "none runs one replica, but replicas is %d: set verification: quorum to compare them, or replicas: 1", replicas)
		}
	case VerifyQuorum:
		if replicas < 2 {
			ps.add("verification", "quorum compares replicas and needs replicas: 2 or more (3 to outvote one wrong result)")
		}
	case VerifySpotCheck:
		if j.Engine != EngineWasm {
			ps.add("verification", "spot-check re-executes a result and compares it byte for byte, which only a deterministic engine allows: use engine wasm, or verification quorum or auto for %s", nonEmptyEngine(j.Engine))
		}
		if replicas > 1 {
			ps.add("verification", "spot-check runs each shard once and re-executes a sample, but replicas is %d: leave replicas unset or use verification: quorum", replicas)
		}
	case VerifyAuto:
		if replicas > 1 {
			ps.add("verification", "auto decides how many replicas each shard needs, but replicas is %d: leave replicas unset or use verification: quorum", replicas)
		}
	default:
		ps.add("verification", "must be none, quorum, spot-check or auto, got %q", j.Verification)
	}
	switch {
	case !(j.SpotCheck >= 0 && j.SpotCheck <= 1): // also catches NaN
		ps.add("spotCheck", "must be between 0 and 1, got %v", float64(j.SpotCheck))
	case j.SpotCheck != 0 && j.Verification != VerifySpotCheck && j.Verification != VerifyAuto:
		ps.add("spotCheck", "applies to verification spot-check or auto only")
	}
}

func nonEmptyEngine(e Engine) string {
	if e == "" {
		return "this engine"
	}
	return "engine " + string(e)
}
