package aio

import (
	"bytes"
	"io/fs"
	"os"
)

// The os operations of aiofiles.os, each one round trip to the loop's
// default executor (ToThread), so that a slow disk or network file system
// never stalls the loop. Errors are os's: *fs.PathError or *os.LinkError,
// matching fs.ErrNotExist, fs.ErrExist, fs.ErrPermission with errors.Is.
//
// Cancellation, for all of them: as for ToThread. The function returns an
// error matching ErrCancelled at once, and the operation, queued or
// running, still happens on the executor (a Rename still renames).

// osCall runs a result-less os operation on the executor.
func osCall(t *Task, op func() error) error {
	_, err := ToThread(t, func() (struct{}, error) { return struct{}{}, op() })
	return err
}

// Stat returns the FileInfo of the named file, following symbolic links
// ([os.Stat]; aiofiles.os.stat, and with the FileInfo's methods
// aiofiles.os.path's exists, isfile, isdir, getsize, getmtime).
//
// Cancellation: see above.
func Stat(t *Task, name string) (fs.FileInfo, error) {
	return ToThread(t, func() (fs.FileInfo, error) { return os.Stat(name) })
}

// Lstat is [Stat] without following a final symbolic link ([os.Lstat];
// aiofiles.os.path.islink with Mode()&[fs.ModeSymlink]).
//
// Cancellation: see Stat.
func Lstat(t *Task, name string) (fs.FileInfo, error) {
	return ToThread(t, func() (fs.FileInfo, error) { return os.Lstat(name) })
}

// Rename renames oldpath to newpath, replacing a file already there
// ([os.Rename]; aiofiles.os.rename and replace, which are the same on
// POSIX).
//
// Cancellation: see [Stat].
func Rename(t *Task, oldpath, newpath string) error {
	return osCall(t, func() error { return os.Rename(oldpath, newpath) })
}

// Remove removes the named file or empty directory ([os.Remove];
// aiofiles.os.remove, unlink and rmdir).
//
// Cancellation: see [Stat].
func Remove(t *Task, name string) error {
	return osCall(t, func() error { return os.Remove(name) })
}

// RemoveAll removes path and everything it contains; a missing path is
// not an error ([os.RemoveAll]; shutil.rmtree).
//
// Cancellation: see [Stat].
func RemoveAll(t *Task, path string) error {
	return osCall(t, func() error { return os.RemoveAll(path) })
}

// Mkdir makes a directory ([os.Mkdir]; aiofiles.os.mkdir).
//
// Cancellation: see [Stat].
func Mkdir(t *Task, name string, perm fs.FileMode) error {
	return osCall(t, func() error { return os.Mkdir(name, perm) })
}

// MkdirAll makes a directory and any missing parents; an existing
// directory is not an error ([os.MkdirAll]; aiofiles.os.makedirs with
// exist_ok=True).
//
// Cancellation: see [Stat].
func MkdirAll(t *Task, path string, perm fs.FileMode) error {
	return osCall(t, func() error { return os.MkdirAll(path, perm) })
}

// MkdirTemp makes a new directory with a unique name ([os.MkdirTemp];
// aiofiles.tempfile.TemporaryDirectory without the removal) and returns
// its name.
//
// Cancellation: see [Stat]; the directory is still made.
func MkdirTemp(t *Task, dir, pattern string) (string, error) {
	return ToThread(t, func() (string, error) { return os.MkdirTemp(dir, pattern) })
}

// CreateTemp creates and opens a new file with a unique name for reading
// and writing ([os.CreateTemp]; aiofiles.tempfile.NamedTemporaryFile
// without the removal).
//
// Cancellation: as for [OpenFile]: the file is closed if it was created,
// but stays on disk.
func CreateTemp(t *Task, dir, pattern string) (*File, error) {
	f, err, _ := runJob(t, func() (*os.File, error) {
		return os.CreateTemp(dir, pattern)
	}, closeOrphan)
	if err != nil {
		return nil, err
	}
	return &File{f: f, name: f.Name()}, nil
}

// Link makes newname a hard link to oldname ([os.Link]; aiofiles.os.link).
//
// Cancellation: see [Stat].
func Link(t *Task, oldname, newname string) error {
	return osCall(t, func() error { return os.Link(oldname, newname) })
}

// Symlink makes newname a symbolic link to oldname ([os.Symlink];
// aiofiles.os.symlink).
//
// Cancellation: see [Stat].
func Symlink(t *Task, oldname, newname string) error {
	return osCall(t, func() error { return os.Symlink(oldname, newname) })
}

// Readlink returns the target of a symbolic link ([os.Readlink];
// aiofiles.os.readlink).
//
// Cancellation: see [Stat].
func Readlink(t *Task, name string) (string, error) {
	return ToThread(t, func() (string, error) { return os.Readlink(name) })
}

// ReadDir returns the entries of a directory sorted by name ([os.ReadDir];
// aiofiles.os.listdir, with each entry's Name(), and scandir, with its
// Type() and Info()).
//
// Cancellation: see [Stat].
func ReadDir(t *Task, name string) ([]fs.DirEntry, error) {
	return ToThread(t, func() ([]fs.DirEntry, error) { return os.ReadDir(name) })
}

// Getwd returns the current directory ([os.Getwd]; aiofiles.os.getcwd).
//
// Cancellation: see [Stat].
func Getwd(t *Task) (string, error) { return ToThread(t, os.Getwd) }

// ReadFile reads the whole named file in one round trip ([os.ReadFile]).
//
// Cancellation: see [Stat].
func ReadFile(t *Task, name string) ([]byte, error) {
	return ToThread(t, func() ([]byte, error) { return os.ReadFile(name) })
}

// WriteFile writes data to the named file, creating it with perm or
// truncating it, in one round trip ([os.WriteFile]). It copies data first,
// as Write does, so the caller may reuse it once WriteFile returns.
//
// Cancellation: see [Stat].
func WriteFile(t *Task, name string, data []byte, perm fs.FileMode) error {
	b := bytes.Clone(data)
	return osCall(t, func() error { return os.WriteFile(name, b, perm) })
}
