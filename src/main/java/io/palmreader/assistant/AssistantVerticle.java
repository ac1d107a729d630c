package io.palmreader.assistant;

import io.palmreader.config.Settings;
import io.palmreader.eventlog.EventLog;
import io.palmreader.observability.PalmreaderMetrics;
import io.palmreader.observability.RecentResult;
import io.palmreader.protocol.ErrorCode;
import io.palmreader.store.KeyValueStore;
import io.palmreader.store.NodeStore;
import io.palmreader.store.StoreConfig;
import io.palmreader.store.StoreKeys;
import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.circuitbreaker.CircuitBreakerOptions;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.circuitbreaker.OpenCircuitException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The assistant, on an event loop: takes requests from {@value AssistantAddresses#REQUESTS}, streams Ollama's answer
 * to the session's address token by token, keeps each session's conversation, and stops an answer when the session
 * asks, starts another one or goes away. Calls to Ollama go through a circuit breaker so that a dead server is not
 * hammered; its state is reported on {@value AssistantAddresses#STATUS}.
 */
public final class AssistantVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(AssistantVerticle.class);
  private static final long BUSY_BACKOFF_MS = 250;

  private AssistantConfig config;
  private String nodeId;
  private HttpClient http;
  private CircuitBreaker breaker;
  private PalmreaderMetrics metrics;
  private final Map<String, OllamaChat> running = new HashMap<>();
  private final Map<String, String> runningAnswer = new HashMap<>();
  private KeyValueStore store;
  private String lastError;
  /**
   * Ollama's version as last probed: every session that opens asks for the assistant's status, and so does each
   * health check; they share one probe per {@value RecentResult#TTL_MS} ms, so a flood of connections is no flood of
   * requests to Ollama.
   */
  private final RecentResult<String> version = new RecentResult<>(this::probe);

  @Override
  public Future<?> start() {
    Settings settings = new Settings(config());
    config = AssistantConfig.from(settings);
    nodeId = config().getString("nodeId", "local");
    metrics = PalmreaderMetrics.get();
    store = NodeStore.of(vertx, StoreConfig.from(settings));
    http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true), new io.vertx.core.http.PoolOptions()
        .setHttp1MaxSize(64));
    breaker = CircuitBreaker.create("ollama", vertx, new CircuitBreakerOptions()
            .setMaxFailures(config.breakerFailures()).setResetTimeout(config.breakerResetMs()).setTimeout(-1))
        .openHandler(v -> onBreaker(CircuitBreakerState.OPEN))
        .halfOpenHandler(v -> onBreaker(CircuitBreakerState.HALF_OPEN))
        .closeHandler(v -> onBreaker(CircuitBreakerState.CLOSED));
    version.get().onComplete(ar -> {
      if (ar.succeeded()) {
        LOG.info("assistant: Ollama {} at {}, model {}", ar.result(), config.ollamaUrl(), config.model());
      } else {
        LOG.warn("assistant: Ollama is not reachable at {} ({}); gestures still work, answers fail with "
            + "assistant_unavailable until it is", config.ollamaUrl(), ar.cause().getMessage());
      }
    });
    return Future.all(
        vertx.eventBus().<JsonObject>consumer(AssistantAddresses.REQUESTS, this::onRequest).completion(),
        vertx.eventBus().<JsonObject>consumer(AssistantAddresses.cancel(nodeId),
                m -> stop(m.body().getString("sessionId"), m.body().getString("keep")))
            .completion(),
        vertx.eventBus().consumer(AssistantAddresses.STATUS, this::onStatus).completion());
  }

  private void onBreaker(CircuitBreakerState state) {
    metrics.breakerState().set(state == CircuitBreakerState.CLOSED ? 0 : state == CircuitBreakerState.HALF_OPEN ? 1 : 2);
    LOG.info("assistant: circuit breaker for Ollama is {}", state);
  }

  /** Ollama's version, from {@code GET /api/version}. */
  private Future<String> probe() {
    return http.request(new RequestOptions().setMethod(HttpMethod.GET)
            .setAbsoluteURI(config.ollamaUrl() + "/api/version").setConnectTimeout(1000).setIdleTimeout(2000))
        .compose(req -> req.send().compose(resp -> resp.body()))
        .map(body -> body.toJsonObject().getString("version", "?"));
  }

  private void onStatus(Message<Object> message) {
    version.get().onComplete(ar -> message.reply(new AssistantHealth(ar.succeeded() && breaker.state() != CircuitBreakerState.OPEN,
        ar.succeeded(), config.model(), config.ollamaUrl().toString(), breaker.state().name(),
        ar.succeeded() ? lastError : ar.cause().getMessage()).toJson()));
  }

  private void onRequest(Message<JsonObject> message) {
    AssistantRequest request = AssistantRequest.fromJson(message.body());
    // The session stops this answer through this node's own address: a cancel goes to one node, not to every one.
    message.reply(new JsonObject().put("answerId", request.answerId()).put("cancel", AssistantAddresses.cancel(nodeId)));
    // One answer per session: a new trigger replaces the running one.
    stop(request.sessionId());
    // The conversation so far; without the store the answer goes ahead without it rather than not at all.
    store.tail(StoreKeys.history(request.conversationId()), config.historyMessages())
        .otherwise(List.of())
        .onComplete(ar -> begin(request, ar.result()));
  }

  private void begin(AssistantRequest request, List<String> stored) {
    List<JsonObject> past = new ArrayList<>(stored.size());
    stored.forEach(m -> past.add(new JsonObject(m)));
    long now = System.currentTimeMillis();
    JsonObject body = PromptBuilder.chatBody(config, past, request, now);
    Answer answer = new Answer(request, PromptBuilder.userText(request, now));
    String cacheKey = cacheKey(request, body);
    answer.cacheKey = cacheKey;
    Future<String> cached = cacheKey == null ? Future.succeededFuture() : store.get(cacheKey).otherwise((String) null);
    cached.onComplete(hit -> {
      if (hit.result() != null) {
        answer.fromCache(hit.result());
        return;
      }
      breaker.<OllamaChat>execute(promise -> attempt(answer, body, 0, promise))
          .onSuccess(chat -> chat.finished().onComplete(ar -> answer.end(chat, ar.cause(), ar.succeeded() ? ar.result() : null)))
          .onFailure(e -> answer.end(null, e, null));
    });
  }

  /**
   * Where the answer to {@code body} is cached, or null when it is not. Only text prompts are cached: the same words in
   * the same context get the same answer; a frame never repeats. A cached answer is its user's own: the key is a digest
   * of the token's subject with the prompt, and without authentication (no subject) nothing is cached at all, since a
   * reply marked {@code cached} would tell one anonymous client what another had asked.
   */
  private String cacheKey(AssistantRequest request, JsonObject body) {
    if (request.image() != null || request.subject() == null || config.cacheTtlMs() == 0) {
      return null;
    }
    // Encoded together as JSON: no subject and prompt can be spliced to read as another pair.
    return StoreKeys.answer(io.palmreader.config.Sha256.hex(new JsonObject().put("subject", request.subject()).put("chat", body).encode()));
  }

  /** Starts the chat; retries a busy Ollama with doubling back-off. Completes the breaker's promise with the outcome. */
  private void attempt(Answer answer, JsonObject body, int retry, Promise<OllamaChat> promise) {
    OllamaChat chat = OllamaChat.start(http, config.ollamaUrl(), body, config.requestTimeoutMs(), answer::delta);
    answer.chat = chat;
    running.put(answer.request.sessionId(), chat);
    runningAnswer.put(answer.request.sessionId(), answer.request.answerId());
    chat.started().onComplete(ar -> {
      if (ar.succeeded() || chat.cancelled()) {
        promise.complete(chat);
        return;
      }
      AssistantFailure failure = (AssistantFailure) ar.cause();
      if (failure.code() == ErrorCode.ASSISTANT_BUSY && retry < config.busyRetries()) {
        vertx.setTimer(BUSY_BACKOFF_MS << retry, t -> {
          if (running.get(answer.request.sessionId()) == chat) {
            attempt(answer, body, retry + 1, promise);
          } else {
            promise.complete(chat);
          }
        });
      } else if (failure.countsAgainstBreaker()) {
        promise.fail(failure);
      } else {
        // A bad request (unknown model) is not Ollama being unwell: the breaker counts it as a success.
        promise.complete(chat);
      }
    });
  }

  /** Stops the session's running answer unless it is {@code keepAnswerId} (a cancel that arrived after its request). */
  private void stop(String sessionId, String keepAnswerId) {
    if (keepAnswerId != null && keepAnswerId.equals(runningAnswer.get(sessionId))) {
      return;
    }
    stop(sessionId);
  }

  private void stop(String sessionId) {
    runningAnswer.remove(sessionId);
    OllamaChat chat = running.remove(sessionId);
    if (chat != null) {
      chat.cancel();
    }
  }

  /** One answer's progress towards its session. */
  private final class Answer {
    private final AssistantRequest request;
    private final String userText;
    private final long startedNanos = System.nanoTime();
    private double firstTokenMs = -1;
    private String cacheKey;
    private OllamaChat chat;
    private final StringBuilder sent = new StringBuilder();
    private boolean truncated;

    Answer(AssistantRequest request, String userText) {
      this.request = request;
      this.userText = userText;
    }

    void delta(String text) {
      if (truncated) {
        return;
      }
      if (firstTokenMs < 0) {
        firstTokenMs = (System.nanoTime() - startedNanos) / 1e6;
        metrics.timeToFirstToken(firstTokenMs);
      }
      String piece = text;
      int room = config.maxAnswerChars() - sent.length();
      if (piece.length() > room) {
        // The answer has reached its length limit: the rest is not wanted, so Ollama is stopped generating it.
        piece = piece.substring(0, Math.max(0, room));
        truncated = true;
        if (chat != null) {
          chat.cancel();
        }
      }
      sent.append(piece);
      send(new AssistantEvent.Delta(request.answerId(), piece, request.trigger()));
    }

    /** The answer's record in the event log, whatever its outcome. */
    private void log(String outcome, String text) {
      EventLog.record(vertx, EventLog.ANSWERS, request.sessionId(), new JsonObject().put("answerId", request.answerId())
          .put("trigger", request.trigger()).put("question", request.question()).put("answer", text)
          .put("model", config.model()).put("outcome", outcome)
          .put("ttftMs", firstTokenMs < 0 ? null : Math.round(firstTokenMs * 10) / 10.0));
    }

    void fromCache(String text) {
      metrics.answer("cached");
      log("cached", text);
      delta(text);
      remember(text);
      send(new AssistantEvent.Done(request.answerId(), request.trigger(), "cached", null,
          new JsonObject().put("ttftMs", Math.round(firstTokenMs * 10) / 10.0).put("cached", true)));
    }

    void end(OllamaChat chat, Throwable failure, OllamaChat.Stats stats) {
      if (chat != null) {
        if (running.remove(request.sessionId(), chat)) {
          runningAnswer.remove(request.sessionId());
        }
      }
      if (truncated) {
        metrics.answer("truncated");
        log("truncated", sent.toString());
        remember(sent.toString());
        send(new AssistantEvent.Done(request.answerId(), request.trigger(), "truncated", nodeId, null));
        return;
      }
      if (chat != null && chat.cancelled()) {
        metrics.answer("stopped");
        log("stopped", chat.text());
        send(new AssistantEvent.Done(request.answerId(), request.trigger(), "stopped", null, null));
        return;
      }
      if (failure == null) {
        metrics.answer("completed");
        log("completed", chat.text());
        metrics.tokensPerSecond(stats.tokensPerSecond());
        remember(chat.text());
        if (cacheKey != null) {
          store.set(cacheKey, chat.text(), config.cacheTtlMs());
        }
        send(new AssistantEvent.Done(request.answerId(), request.trigger(), "completed", nodeId,
            new JsonObject().put("ttftMs", Math.round(firstTokenMs * 10) / 10.0).put("tokens", stats.tokens())
                .put("tokensPerSec", Math.round(stats.tokensPerSecond() * 10) / 10.0)));
        return;
      }
      ErrorCode code;
      String text;
      if (failure instanceof AssistantFailure f) {
        code = f.code();
        text = f.getMessage();
      } else if (failure instanceof OpenCircuitException) {
        code = ErrorCode.ASSISTANT_UNAVAILABLE;
        text = "the assistant is paused after repeated failures to reach Ollama; it tries again within "
            + config.breakerResetMs() / 1000 + " s";
      } else {
        code = ErrorCode.ASSISTANT_ERROR;
        text = failure.getMessage();
      }
      lastError = text;
      metrics.answer(code.wire());
      log(code.wire(), chat == null ? "" : chat.text());
      LOG.warn("assistant: answer {} for session {} failed: {}", request.answerId(), request.sessionId(), text);
      // The client gets the code and a plain word on it; Ollama's own text, its address, go to the log only.
      send(new AssistantEvent.Failed(request.answerId(), code, clientMessage(code, failure),
          chat == null ? "" : chat.text()));
    }

    private String clientMessage(ErrorCode code, Throwable failure) {
      return switch (code) {
        case ASSISTANT_UNAVAILABLE -> failure instanceof OpenCircuitException
            ? "the assistant is paused after repeated failures; it tries again within "
                + config.breakerResetMs() / 1000 + " s"
            : "the assistant is unavailable; try again later";
        case ASSISTANT_BUSY -> "the assistant is busy; try again shortly";
        case MODEL_NOT_FOUND -> "the assistant's model is not installed on its server";
        default -> "the assistant failed to answer";
      };
    }

    private void remember(String answerText) {
      store.append(StoreKeys.history(request.conversationId()),
          List.of(new JsonObject().put("role", "user").put("content", userText).encode(),
              new JsonObject().put("role", "assistant").put("content", answerText).encode()),
          Math.max(2, config.historyMessages()), config.historyTtlMs());
    }

    private void send(AssistantEvent event) {
      vertx.eventBus().send(AssistantAddresses.session(request.sessionId()), event.toJson());
    }
  }
}
