// Package pricing holds the one rule both sides of a task agree on: how a
// provider's quoted rate turns into a charge. Amounts are micro-USD.
package pricing

// Charge is what a task costs: its measured CPU time at the provider's
// rate (micro-USD per CPU-second), never less than the provider's minimum.
func Charge(pricePerCPUSecond, minPrice, cpuMs int64) int64 {
	return max(minPrice, (max(cpuMs, 0)*pricePerCPUSecond+999)/1000)
}

// BillableCPUMs is the CPU time a provider may charge for: what it
// measured, but never more than the task's CPU share over its wall time,
// nor over its timeout.
func BillableCPUMs(cpuMs, wallMs, milliCPU, timeoutMs int64) int64 {
	return max(min(cpuMs, milliCPU*wallMs/1000, milliCPU*timeoutMs/1000), 0)
}

// WorstCase is the most a task can cost: all its CPUs busy until its
// timeout.
func WorstCase(pricePerCPUSecond, minPrice, milliCPU, timeoutMs int64) int64 {
	return Charge(pricePerCPUSecond, minPrice, milliCPU*timeoutMs/1000)
}
