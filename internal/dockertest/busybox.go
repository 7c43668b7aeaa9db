package dockertest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"debug/elf"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"time"

	"archive/tar"
)

// BusyboxPath is where Debian's busybox-static package installs the
// binary BusyboxImage is made of.
const BusyboxPath = "/bin/busybox"

const busyboxDockerfile = `FROM scratch
ADD rootfs.tar /
CMD ["sh"]
`

// busyboxContext returns the build context of BusyboxImage: a root
// filesystem tarball holding the host's static busybox and a symbolic
// link in /bin for each applet it lists. Its hash covers the binary and
// the Dockerfile.
func busyboxContext(ctx context.Context) (*buildContext, error) {
	bin, err := os.ReadFile(BusyboxPath)
	if err != nil {
		return nil, fmt.Errorf("%w (install Debian's busybox-static: apt-get install -y busybox-static)", err)
	}
	if err := checkStatic(bin); err != nil {
		return nil, err
	}
	sum := sha256.Sum256(append([]byte("busybox/v1\n"+busyboxDockerfile), bin...))
	return &buildContext{
		hash: hex.EncodeToString(sum[:]),
		files: func(ctx context.Context) ([]contextFile, error) {
			rootfs, err := busyboxRootfs(ctx, bin)
			if err != nil {
				return nil, err
			}
			return []contextFile{
				{name: "Dockerfile", mode: 0o644, data: []byte(busyboxDockerfile)},
				{name: "rootfs.tar", mode: 0o644, data: rootfs},
			}, nil
		},
	}, nil
}

// checkStatic fails unless bin is an ELF executable without a program
// interpreter, one that runs in an image holding nothing else.
func checkStatic(bin []byte) error {
	f, err := elf.NewFile(bytes.NewReader(bin))
	if err != nil {
		return fmt.Errorf("%s is not an ELF binary: %w", BusyboxPath, err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			return fmt.Errorf("%s is dynamically linked (install Debian's busybox-static, not busybox)", BusyboxPath)
		}
	}
	return nil
}

// busyboxRootfs returns a tar of bin/busybox and bin/<applet> links to it.
func busyboxRootfs(ctx context.Context, bin []byte) ([]byte, error) {
	list, err := exec.CommandContext(ctx, BusyboxPath, "--list").Output()
	if err != nil {
		return nil, fmt.Errorf("%s --list: %w", BusyboxPath, err)
	}
	applets := strings.Fields(string(list))
	slices.Sort(applets)
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	epoch := time.Unix(0, 0)
	headers := []*tar.Header{
		{Name: "bin/", Typeflag: tar.TypeDir, Mode: 0o755, ModTime: epoch},
		{Name: "bin/busybox", Typeflag: tar.TypeReg, Mode: 0o755, Size: int64(len(bin)), ModTime: epoch},
	}
	for _, a := range slices.Compact(applets) {
		if a == "busybox" || strings.Contains(a, "/") {
			continue
		}
		headers = append(headers, &tar.Header{Name: "bin/" + a, Typeflag: tar.TypeSymlink, Linkname: "busybox", Mode: 0o777, ModTime: epoch})
	}
	for _, h := range headers {
		if err := tw.WriteHeader(h); err != nil {
			return nil, err
		}
		if h.Typeflag == tar.TypeReg {
			if _, err := tw.Write(bin); err != nil {
				return nil, err
			}
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
