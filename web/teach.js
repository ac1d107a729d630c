// The Teach panel: record a pose under a name (3-2-1, then the server gathers the frames), list what was taught with
// how many recordings each has, add examples to a gesture or forget it. A gesture taught again grows by the new
// recording unless "replace" says to start afresh. The server does the recognising; this only asks the session to
// teach or forget and shows what comes back.

/** `session()` gives the session or null (having said why). */
export function createTeachPanel(session) {
  const $ = (id) => document.getElementById(id);
  const list = $('taught-list');
  const status = $('teach-status');
  // What the list shows, the user's own gestures first and then the team's (the order the server sends).
  // recordings is null when an older server sent only names.
  let gestures = [];
  let busy = false;
  let countdown = null;

  const same = (a, b) => a.toLowerCase() === b.toLowerCase();

  function show(next) {
    gestures = next;
    list.replaceChildren(...gestures.map(item));
    // Browser tests read these, so that they need not parse the list's text.
    document.body.dataset.taught = gestures.map((g) => g.name).join(',');
    document.body.dataset.taughtCounts = gestures.map((g) => `${g.name}:${g.recordings ?? '?'}`).join(',');
  }

  function item({ name, recordings, team }) {
    const li = document.createElement('li');
    const label = document.createElement('span');
    label.className = 'taught-name';
    label.textContent = recordings == null ? name : `${name} — ${plural(recordings, 'recording')}`;
    if (team) {
      const tag = document.createElement('span');
      tag.className = 'tag';
      tag.textContent = 'team';
      tag.title = 'shared by everyone in your team';
      label.append(' ', tag);
    }
    // Forget stays the first button: the browser test clicks '#taught-list button' to forget.
    const forget = button('Forget', `Forget ${name}`, () => forgetGesture(name));
    const add = button('Add examples', `Add examples to ${name}`, () => startRecording(name, false));
    add.className = 'add-examples';
    add.disabled = busy;
    const actions = document.createElement('span');
    actions.className = 'actions';
    actions.append(forget, add);
    li.append(label, actions);
    li.dataset.name = name;
    return li;
  }

  function button(text, ariaLabel, onclick) {
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = text;
    b.setAttribute('aria-label', ariaLabel);
    b.onclick = onclick;
    return b;
  }

  function plural(n, word) {
    return `${n} ${word}${n === 1 ? '' : 's'}`;
  }

  // welcome/custom_gestures: the full entries when the server sends them, else the bare names with counts unknown.
  function fromMessage(m) {
    if (Array.isArray(m.taughtGestures)) {
      return m.taughtGestures.map((g) => ({ name: g.name, recordings: g.recordings ?? null, team: g.team === true }));
    }
    return (m.customGestures || []).map((name) => ({ name, recordings: null, team: false }));
  }

  // A taught gesture replaces its entry in place (same name, same set); a new one joins the end of its own set, so
  // that the user's gestures stay ahead of the team's.
  function withTaught({ name, recordings, team }) {
    const entry = { name, recordings: recordings ?? null, team: team === true };
    const at = gestures.findIndex((g) => same(g.name, name) && g.team === entry.team);
    if (at >= 0) return gestures.map((g, i) => (i === at ? entry : g));
    const firstTeam = gestures.findIndex((g) => g.team);
    if (entry.team || firstTeam < 0) return [...gestures, entry];
    return [...gestures.slice(0, firstTeam), entry, ...gestures.slice(firstTeam)];
  }

  // forgotten names no set; the first match is the user's own gesture when there is one, as own ones come first.
  function withoutForgotten(name) {
    const at = gestures.findIndex((g) => same(g.name, name));
    return at < 0 ? gestures : gestures.filter((_, i) => i !== at);
  }

  function setStatus(text, isBusy) {
    status.textContent = text;
    busy = isBusy;
    // One recording at a time (the server refuses a second): every way to start one waits for this one.
    $('record').disabled = isBusy;
    list.querySelectorAll('button.add-examples').forEach((b) => { b.disabled = isBusy; });
    document.body.dataset.teaching = isBusy ? 'on' : '';
  }

  // The 3-2-1 gives the user time to show the pose before the server starts gathering frames.
  function startRecording(name, replace) {
    const frames = Number($('teach-frames').value);
    let left = 3;
    setStatus(`Show the pose… ${left}`, true);
    clearInterval(countdown);
    countdown = setInterval(() => {
      left -= 1;
      if (left > 0) {
        setStatus(`Show the pose… ${left}`, true);
        return;
      }
      clearInterval(countdown);
      const open = session();
      if (!open) {
        setStatus('', false);
        return;
      }
      // The camera keeps sending frames meanwhile: the next answered ones with one hand are the examples.
      open.teach(name, {
        frames,
        replace,
        onProgress: (m) => setStatus(`Recording ${m.name}: ${m.collected} / ${m.frames} frames`, true),
      }).then(
        (m) => {
          setStatus(m.recordings == null
            ? `Taught '${m.name}' (${plural(m.samples, 'example')})`
            : `Taught '${m.name}' — ${plural(m.recordings, 'recording')} (${plural(m.samples, 'example')})`, false);
          show(withTaught(m));
        },
        (e) => setStatus(`Not taught: ${e.message}`, false),
      );
      // Replacing throws examples away: a tick applies to one recording, never silently to the next.
      if (replace) $('teach-replace').checked = false;
    }, 1000);
  }

  function forgetGesture(name) {
    session()?.forget(name).then(
      (m) => {
        setStatus(`Forgot ${m.name}.`, false);
        show(withoutForgotten(m.name));
      },
      (e) => setStatus(`Not forgotten: ${e.message}`, false),
    );
  }

  function record(event) {
    event.preventDefault();
    const name = $('teach-name').value.trim();
    if (!name) {
      setStatus('Name the gesture first.', false);
      return;
    }
    startRecording(name, $('teach-replace').checked);
  }

  $('teach-form').onsubmit = record;

  return {
    // welcome and custom_gestures (after a change on another connection or an import) carry the whole list.
    listeners: {
      welcome: (m) => show(fromMessage(m)),
      custom_gestures: (m) => show(fromMessage(m)),
    },
  };
}
