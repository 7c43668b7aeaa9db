package provider

import (
	"bufio"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"syscall"

	"github.com/opensky-network/opensky/internal/p2p/wire"
)

// DetectCapacity measures what this machine can offer: every CPU, half of
// its memory, and half of the free disk under dir. Configuration can lower
// any of them.
func DetectCapacity(dir string) (wire.Capacity, error) {
	c := wire.Capacity{MilliCPU: int64(runtime.NumCPU()) * 1000}
	mem, err := memTotal()
	if err != nil {
		return c, fmt.Errorf("detect memory: %w", err)
	}
	c.MemoryBytes = mem / 2
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return c, fmt.Errorf("detect disk under %s: %w", dir, err)
	}
	c.DiskBytes = int64(st.Bavail) * st.Bsize / 2
	return c, nil
}

func memTotal() (int64, error) {
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) >= 2 && fields[0] == "MemTotal:" {
			kb, err := strconv.ParseInt(fields[1], 10, 64)
			if err != nil {
				return 0, err
			}
			return kb * 1024, nil
		}
	}
	return 0, fmt.Errorf("no MemTotal in /proc/meminfo")
}
