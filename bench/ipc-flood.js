// A Node child for bench/ipc.sh. "send N FILE": sends N {"i":k} messages as fast
// as the channel takes them, then writes its elapsed seconds to FILE. "recv N
// FILE": counts N incoming messages, then writes the elapsed seconds since the
// first one to FILE and exits.
const fs = require('fs');
const [mode, nArg, file] = process.argv.slice(2);
const n = Number(nArg);
const t0 = process.hrtime.bigint();
const done = () => fs.writeFileSync(file, String(Number(process.hrtime.bigint() - t0) / 1e9));
if (mode === 'send') {
    let i = 0;
    const pump = () => {
        while (i < n) {
            if (!process.send({ i: i++ })) { setImmediate(pump); return; }
        }
        process.on('exit', done);
    };
    pump();
} else {
    let got = 0, start = null;
    process.on('message', () => {
        if (start === null) start = process.hrtime.bigint();
        if (++got === n) {
            fs.writeFileSync(file, String(Number(process.hrtime.bigint() - start) / 1e9));
            process.exit(0);
        }
    });
}
