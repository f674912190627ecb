module github.com/aio-go/aio/bench/web/peers

go 1.26.0

require (
	github.com/aio-go/aio v0.0.0
	github.com/valyala/fasthttp v1.73.0
)

require (
	github.com/andybalholm/brotli v1.2.2 // indirect
	github.com/klauspost/compress v1.19.1 // indirect
	github.com/valyala/bytebufferpool v1.0.0 // indirect
)

// The fasthttp client shares bench/client/meter with the other clients.
replace github.com/aio-go/aio => ../../..
