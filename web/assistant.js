// The assistant panel: status, the streamed answer, the question box and the stop button.
const $ = (id) => document.getElementById(id);

export function createAssistantPanel(send) {
  let current = null; // the answer being streamed: { id, element, thinking }

  function setStatus(status) {
    const badge = $('assistant-status');
    const up = status.available && status.enabled !== false;
    badge.textContent = up ? `${status.model} ready` : status.enabled === false ? 'off' : 'unavailable';
    badge.className = `badge ${up ? 'up' : 'down'}`;
    badge.title = status.breaker ? `circuit breaker ${status.breaker.toLowerCase()}` : '';
    document.body.dataset.assistant = up ? 'up' : 'down';
  }

  function startAnswer(id, trigger) {
    const answer = $('answer');
    answer.replaceChildren();
    const label = document.createElement('div');
    label.className = 'trigger';
    label.textContent = trigger?.type === 'gesture' ? `↳ ${trigger.name} (${trigger.hand})` : '';
    // A reasoning model's thoughts (assistant.reasoning=stream), apart from the answer and folded away.
    const thinking = document.createElement('details');
    thinking.className = 'thinking';
    thinking.hidden = true;
    const summary = document.createElement('summary');
    summary.textContent = 'thinking';
    const thoughts = document.createElement('div');
    thinking.append(summary, thoughts);
    const text = document.createElement('div');
    answer.append(label, thinking, text);
    current = { id, element: text, thinking, thoughts };
    $('stop-answer').disabled = false;
  }

  function onAi(m) {
    if (!current || current.id !== m.answerId) startAnswer(m.answerId, m.trigger);
    if (m.thinking) {
      current.thinking.hidden = false;
      current.thoughts.textContent += m.delta;
      return;
    }
    current.element.textContent += m.delta;
    $('answer').scrollTop = $('answer').scrollHeight;
    if (m.done) {
      $('stop-answer').disabled = true;
      document.body.dataset.answer = current.element.textContent;
      if (m.stopped) current.element.textContent += ' [stopped]';
      current = null;
    }
  }

  function onAiError(m) {
    if (!current || current.id !== m.answerId) startAnswer(m.answerId, null);
    current.element.textContent = m.partial || '';
    const error = document.createElement('div');
    error.className = 'error';
    error.textContent = m.code === 'model_not_found' ? m.message
      : m.code === 'assistant_unavailable' ? `The assistant is unavailable: ${m.message}`
        : m.code === 'assistant_busy' ? 'The assistant is busy; try again in a moment.'
          : m.code === 'assistant_unauthorized' ? 'The assistant\'s server refused its credentials; tell the operator.'
          : `The answer failed: ${m.message}`;
    $('answer').append(error);
    document.body.dataset.aiError = m.code;
    $('stop-answer').disabled = true;
    current = null;
  }

  $('ask-form').onsubmit = (event) => {
    event.preventDefault();
    const text = $('question').value.trim();
    if (text && send({ type: 'ask', text })) $('question').value = '';
  };
  $('stop-answer').onclick = () => send({ type: 'stop' });
  const options = () => send({ type: 'hello', assistant: $('assistant-on').checked, attachFrame: $('attach-frame').checked });
  $('assistant-on').onchange = options;
  $('attach-frame').onchange = options;

  return {
    onMessage(m) {
      switch (m.type) {
        case 'assistant': setStatus(m); return true;
        case 'ai': onAi(m); return true;
        case 'ai_error': onAiError(m); return true;
        default: return false;
      }
    },
    helloFields: () => ({ assistant: $('assistant-on').checked, attachFrame: $('attach-frame').checked }),
  };
}
