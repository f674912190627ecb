//go:build amd64 || arm64

package aio

// curg returns an identity of the calling goroutine: the address of the
// runtime's descriptor of it, unique among the goroutines alive (a
// descriptor is reused once its goroutine has ended). It is one load on
// amd64 and arm64 (goroutine_amd64.s, goroutine_arm64.s); elsewhere it
// returns 0, which matches no goroutine, and callers take their slow
// path.
//
// Conn uses it to tell, without a lock and without a data race, whether
// its caller is the loop's task it saw last: reading the loop's state
// from another goroutine would be the race it guards against.
func curg() uintptr
