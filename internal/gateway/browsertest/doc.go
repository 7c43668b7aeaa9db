// Package browsertest drives the gateway's web interface in a real headless
// chromium, the way a person uses it: against a local network started in
// this process (internal/devnet), with the browser confined to 127.0.0.1.
//
// The tests load every page and check what it shows, run a job and watch
// its page follow it to completed over Server-Sent Events, download an
// output file through the page's link, submit the job form (paid from an
// escrow on the network with a chain), and check the pages at a phone's
// width and from the keyboard. They run the pages' cryptography (static
// seal.js, ristretto255.js, chacha20poly1305.js) against the Go code it
// must match byte for byte, upload a file through the upload page, read
// it back on the Go side, and download and decrypt it in the browser. Every page fails its test
// on a console error, an uncaught exception, a failed request for one of
// its own assets, or a request that leaves the machine.
//
// The browser is Debian's chromium (apt-get install chromium), found on
// PATH or at /usr/bin/chromium, or named by OPENSKY_CHROMIUM. Without one
// the tests skip, unless CI is set: there a missing browser is a failure.
//
// When a test fails, a PNG screenshot of each page it visited is written
// under a new directory in $TMPDIR whose path the test logs;
// OPENSKY_BROWSERTEST_SCREENSHOTS=1 writes them for passing tests too.
//
// The package holds only tests.
package browsertest
