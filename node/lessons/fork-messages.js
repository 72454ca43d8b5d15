// Lesson: fork() and messages.
//
// A parent forks two copies of this very file. fork() starts a new node
// process with a channel to it: the parent calls kid.send(), the kid gets a
// 'message' event, answers with process.send(), and the parent gets a
// 'message' event on the kid. The messages go as JSON by default.
// Here each kid answers "ping N" with "pong N"; the parent waits a second
// between rounds (time to look at the kids: f in forkscope), and after three
// rounds it disconnects: a kid ends by itself when its channel closes.
'use strict';
const { fork } = require('child_process');

if (process.argv[2] === 'kid') {
    // The kid: answer every ping, and leave when the parent hangs up.
    const name = process.argv[3];
    process.on('message', (m) => {
        console.log(`${name} (pid ${process.pid}) got ping ${m.ping}, answers pong ${m.ping}`);
        process.send({ pong: m.ping, from: name });
    });
    // No timer, no server: once the channel is closed nothing keeps this
    // process alive, so it exits. The event says so first.
    process.on('disconnect', () => console.log(`${name}: channel closed, exiting`));
    return;
}

const ROUNDS = 3;
for (const name of ['kid-a', 'kid-b']) {
    const kid = fork(__filename, ['kid', name]);
    console.log(`parent (pid ${process.pid}) forked ${name}: pid ${kid.pid}`);
    let round = 1;
    kid.on('message', (m) => {
        console.log(`parent got pong ${m.pong} from ${m.from}`);
        if (round < ROUNDS)
            setTimeout(() => kid.send({ ping: ++round }), 1000);
        else
            kid.disconnect(); // the kid sees 'disconnect' and ends
    });
    kid.on('exit', (code) => console.log(`${name} exited with code ${code}`));
    kid.send({ ping: round });
}
