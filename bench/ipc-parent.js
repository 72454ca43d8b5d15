// Node's own parent for bench/ipc.sh: child_process.fork() of bench/ipc-flood.js.
// "send N FILE" counts the child's N messages; "recv N FILE" sends it N messages.
const { fork } = require('child_process');
const [mode, n, file] = process.argv.slice(2);
const child = fork(__dirname + '/ipc-flood.js', [mode, n, file]);
if (mode === 'recv') {
    let i = 0;
    const pump = () => {
        while (i < Number(n)) {
            if (!child.send({ i: i++ })) { setImmediate(pump); return; }
        }
    };
    pump();
} else {
    let got = 0;
    child.on('message', () => got++);
    child.on('exit', () => { if (got !== Number(n)) console.error('lost', Number(n) - got); });
}
