package provider

import (
	"runtime"
	"testing"
)

func TestPresenceLabelsCarryTheArchitecture(t *testing.T) {
	if got := withArch(nil)[ArchLabel]; got != runtime.GOARCH {
		t.Fatalf("arch label %q, want %q", got, runtime.GOARCH)
	}
	own := map[string]string{"region": "eu"}
	if got := withArch(own); got[ArchLabel] != runtime.GOARCH || got["region"] != "eu" {
		t.Fatalf("labels %v", got)
	}
	if _, ok := own[ArchLabel]; ok {
		t.Fatal("the operator's labels were changed")
	}
	if got := withArch(map[string]string{ArchLabel: "riscv64"})[ArchLabel]; got != "riscv64" {
		t.Fatalf("an operator's arch label was overridden: %q", got)
	}
}
