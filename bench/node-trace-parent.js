// bench/node-trace.sh's program: a parent that sends N messages to a forked
// child (this file again), which counts them and exits; the parent exits
// with the child. Run with and without forkscope's tracer.
const { fork } = require('child_process');
const n = Number(process.argv[2] || 1000000);
if (process.argv[3] === 'child') {
    let got = 0;
    process.on('message', () => {
        if (++got === n) process.disconnect();
    });
} else {
    const child = fork(__filename, [String(n), 'child']);
    let i = 0;
    const pump = () => {
        while (i < n) {
            if (!child.send({ i: i++ })) { setImmediate(pump); return; }
        }
    };
    pump();
    child.on('exit', (code) => process.exit(code));
}
