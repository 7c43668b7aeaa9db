package wasm

import (
	"github.com/tetratelabs/wazero"
	experimentalsys "github.com/tetratelabs/wazero/experimental/sys"
	"github.com/tetratelabs/wazero/experimental/sysfs"
)

// mounts returns the file systems a task sees: inputDir read-only at
// InputsPath and outputDir writable at OutputsPath, each left out when
// empty.
//
// WASI path resolution already refuses ".." beyond a mount, but the host
// follows symlinks, so a module that could create one (say
// /outputs/l -> ../../..) could read and write anything the provider
// can. Neither mount lets it: inputs are read-only and outputs refuse
// symlink creation.
func mounts(inputDir, outputDir string) wazero.FSConfig {
	cfg := wazero.NewFSConfig()
	if inputDir != "" {
		cfg = cfg.(sysfs.FSConfig).WithSysFSMount(&sysfs.ReadFS{FS: sysfs.DirFS(inputDir)}, InputsPath)
	}
	if outputDir != "" {
		cfg = cfg.(sysfs.FSConfig).WithSysFSMount(noSymlinks{sysfs.DirFS(outputDir)}, OutputsPath)
	}
	return cfg
}

// noSymlinks is a file system on which symlinks cannot be created.
type noSymlinks struct {
	experimentalsys.FS
}

// Symlink implements experimentalsys.FS by refusing.
func (noSymlinks) Symlink(_, _ string) experimentalsys.Errno {
	return experimentalsys.EPERM
}
