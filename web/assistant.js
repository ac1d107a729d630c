// The assistant panel: status, the streamed answer, the question box and the stop button. Every answer shows as its
// ai messages come, a question's and a gesture's alike; the question itself goes through the session.
import { AssistantError, ServerError } from './sdk/index.js';

const $ = (id) => document.getElementById(id);

/** `session()` gives the open session or null; `say` tells the user what went wrong. */
export function createAssistantPanel(session, say) {
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
    const open = text ? session() : null;
    if (!open) return;
    $('question').value = '';
    // ai and ai_error draw the answer; a refused question shows as the page's error, a lost connection here.
    open.ask(text).result.catch((e) => {
      if (!(e instanceof AssistantError) && !(e instanceof ServerError)) say(`The question got no answer: ${e.message}`);
    });
  };
  $('stop-answer').onclick = () => session()?.stop();
  const options = () => session()?.configure(helloFields());
  $('assistant-on').onchange = options;
  $('attach-frame').onchange = options;

  function helloFields() {
    return { assistant: $('assistant-on').checked, attachFrame: $('attach-frame').checked };
  }

  return {
    listeners: { assistant: setStatus, ai: onAi, ai_error: onAiError },
    helloFields,
  };
}
