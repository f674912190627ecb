// Package peers is the nested module of bench/web and bench/client that
// holds the peers needing third-party modules (fasthttp v1.73.0), so that
// the main module gains no dependency and "go test ./..." at the
// repository root does not build them. Its commands are fasthttpserver
// and fasthttpclient.
package peers
