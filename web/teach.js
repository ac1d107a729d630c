// The Teach panel: record a pose under a name (3-2-1, then the server gathers the frames), list what was taught,
// forget it again. The server does the recognising; this only sends teach/forget and shows what comes back.
export function createTeachPanel(sendJson) {
  const $ = (id) => document.getElementById(id);
  const list = $('taught-list');
  const status = $('teach-status');
  let countdown = null;

  function show(names) {
    list.replaceChildren(...names.map((name) => {
      const item = document.createElement('li');
      const label = document.createElement('span');
      label.textContent = name;
      const forget = document.createElement('button');
      forget.type = 'button';
      forget.textContent = 'Forget';
      forget.setAttribute('aria-label', `Forget ${name}`);
      forget.onclick = () => sendJson({ type: 'forget', name });
      item.append(label, forget);
      return item;
    }));
    document.body.dataset.taught = names.join(',');
  }

  function setStatus(text, busy) {
    status.textContent = text;
    $('record').disabled = busy;
    document.body.dataset.teaching = busy ? 'on' : '';
  }

  function record(event) {
    event.preventDefault();
    const name = $('teach-name').value.trim();
    const frames = Number($('teach-frames').value);
    if (!name) {
      setStatus('Name the gesture first.', false);
      return;
    }
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
      if (!sendJson({ type: 'teach', name, frames })) setStatus('', false);
    }, 1000);
  }

  $('teach-form').onsubmit = record;

  return {
    /** Handles the teaching messages; returns whether it did. */
    onMessage(m) {
      switch (m.type) {
        case 'welcome':
        case 'custom_gestures':
          show(m.customGestures || []);
          return m.type === 'custom_gestures';
        case 'teaching':
          setStatus(`Recording ${m.name}: ${m.collected} / ${m.frames} frames`, true);
          return true;
        case 'taught':
          setStatus(`Taught ${m.name} from ${m.samples} frames.`, false);
          show([...new Set([...names(), m.name])]);
          return true;
        case 'forgotten':
          setStatus(`Forgot ${m.name}.`, false);
          show(names().filter((n) => n.toLowerCase() !== m.name.toLowerCase()));
          return true;
        case 'error':
          // Errors about teaching and forgetting name the gesture; the others are the page's.
          if (m.name === undefined) return false;
          setStatus(`Not taught: ${m.message}`, false);
          return true;
        default:
          return false;
      }
    },
  };

  function names() {
    return [...list.querySelectorAll('li > span')].map((s) => s.textContent);
  }
}
