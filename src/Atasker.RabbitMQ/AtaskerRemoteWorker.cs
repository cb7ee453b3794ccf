using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Atasker.CompilerServices;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;

namespace Atasker;

// Longer than ~400 lines: the consume, run, answer cycle and the graceful stop share the channel, the delivery queue
// and the running count (the console entry and the cancel registry are in their own files).

/// <summary>
/// The worker side: consumes the task queue with a prefetch of <see cref="RabbitMqOptions.PoolSize"/>, runs each
/// task on one of as many threads through the generated dispatchers of the app's process tasks, publishes the reply
/// and only then acknowledges the message (at-least-once: a worker that dies mid-task leaves it to another one).
/// Refused messages (unknown task id, undecodable, too large) and poison messages (delivered
/// <see cref="RabbitMqOptions.MaxDeliveries"/> times without an answer) are rejected to the dead-letter queue, and
/// their producer gets a reply saying why. A hosted service, or a console app's whole Main with <see cref="RunAsync"/>.
/// </summary>
public sealed partial class AtaskerRemoteWorker : IHostedService, IAsyncDisposable
{
    private readonly RabbitMqOptions _options;
    private readonly ILogger _logger;
    private readonly string _broker;
    // Deliveries waiting for a runner thread. Bounded by the broker (prefetch = PoolSize), so it never holds more than
    // the runners can start. A BlockingCollection rather than a Channel: the runners are dedicated threads whose bodies
    // block, so they take with a blocking call; a Channel would make every take sync-over-async.
    private readonly BlockingCollection<Delivery> _deliveries = new();
    private readonly CancellationTokenSource _shutdown = new();
    private readonly object _gate = new();
    private readonly List<Thread> _runners = [];
    private IConnection? _connection;
    private IChannel? _channel;
    private string? _consumerTag;
    private TaskCompletionSource _idle = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _running; // tasks being run, guarded by _gate
    private bool _stopping; // guarded by _gate
    private long _completed;
    private long _faulted;
    private long _deadLettered;
    private long _requeued;
    private long _canceled;

    // Cancels from producers, by message id.
    private readonly RemoteCancels _cancels = new();

    /// <summary>Creates a worker; <see cref="StartAsync"/> connects it.</summary>
    /// <exception cref="ArgumentException">An option is invalid (named).</exception>
    public AtaskerRemoteWorker(RabbitMqOptions options, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Clone();
        _options.Validate();
        _logger = loggerFactory?.CreateLogger("Atasker.RabbitMQ") ?? NullLogger.Instance;
        _broker = RabbitMqTopology.Display(_options.Uri);
    }

    /// <summary>Tasks run and answered with their result.</summary>
    public long Completed => Interlocked.Read(ref _completed);

    /// <summary>Tasks run whose body threw (answered with the fault).</summary>
    public long Faulted => Interlocked.Read(ref _faulted);

    /// <summary>Messages rejected to the dead-letter queue.</summary>
    public long DeadLettered => Interlocked.Read(ref _deadLettered);

    /// <summary>Tasks canceled by their producer: skipped when they arrived, or run with their token signalled.</summary>
    public long Canceled => Interlocked.Read(ref _canceled);

    /// <summary>Messages given back to the queue (shutdown, or counted again after a lost worker).</summary>
    public long Requeued => Interlocked.Read(ref _requeued);

    /// <summary>Connects, declares the queues and starts consuming.</summary>
    /// <exception cref="RabbitMqPoolException">The broker is unreachable or a queue cannot be declared.</exception>
    /// <exception cref="InvalidOperationException">The worker was started before.</exception>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_connection is not null || _stopping)
            {
                throw new InvalidOperationException($"The remote worker for queue '{_options.Queue}' was started before; create another one.");
            }
        }

        // Inbound messages up to RabbitMQ's own limit are accepted, so that an oversized one is dead-lettered here
        // rather than breaking the connection of every worker it is delivered to.
        _connection = await RabbitMqTopology.ConnectAsync(_options, "worker", (uint)RabbitMqOptions.MaxMessageBytesLimit, cancellationToken).ConfigureAwait(false);
        _channel = await _connection.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true),
            cancellationToken).ConfigureAwait(false);
        await RabbitMqTopology.DeclareAsync(_channel, _options, cancellationToken).ConfigureAwait(false);
        await _channel.BasicQosAsync(0, (ushort)_options.PoolSize, global: false, cancellationToken).ConfigureAwait(false);

        // Cancels come on the same channel as tasks, so one sent before a task is delivered here is handled first.
        var cancelQueue = await _channel.QueueDeclareAsync("", durable: false, exclusive: true, autoDelete: true, arguments: null, cancellationToken: cancellationToken).ConfigureAwait(false);
        await _channel.QueueBindAsync(cancelQueue.QueueName, _options.CancelExchange, "", arguments: null, cancellationToken: cancellationToken).ConfigureAwait(false);
        var cancels = new AsyncEventingBasicConsumer(_channel);
        cancels.ReceivedAsync += OnCancel;
        await _channel.BasicConsumeAsync(cancelQueue.QueueName, autoAck: true, cancels, cancellationToken).ConfigureAwait(false);

        for (int i = 0; i < _options.PoolSize; i++)
        {
            var runner = new Thread(Run) { IsBackground = true, Name = $"Atasker remote worker {i + 1}" };
            _runners.Add(runner);
            runner.Start();
        }

        var consumer = new AsyncEventingBasicConsumer(_channel);
        consumer.ReceivedAsync += OnDeliveryAsync;
        _consumerTag = await _channel.BasicConsumeAsync(_options.Queue, autoAck: false, consumer, cancellationToken).ConfigureAwait(false);
        Log.Started(_logger, _options.Queue, _broker, _options.PoolSize);
    }

    /// <summary>
    /// Stops gracefully: no new deliveries; messages received but not started go back to the queue; running tasks
    /// get <see cref="RabbitMqOptions.ShutdownTimeout"/> to finish (and are answered), then their tokens are canceled
    /// and those that give up go back to the queue too. Then the connection closes.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        Task idle;
        lock (_gate)
        {
            if (_stopping)
            {
                return;
            }

            _stopping = true;
            idle = _running == 0 ? Task.CompletedTask : _idle.Task;
        }

        if (_channel is { } channel && _consumerTag is { } tag)
        {
            try
            {
                await channel.BasicCancelAsync(tag, noWait: false, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception error) when (IsConnectionFailure(error))
            {
                // Nothing more will arrive anyway.
            }
        }

        _deliveries.CompleteAdding(); // the runners give back what is left, then end
        if (await Task.WhenAny(idle, Task.Delay(_options.ShutdownTimeout, cancellationToken)).ConfigureAwait(false) != idle)
        {
            Log.CancelingOnShutdown(_logger, _options.ShutdownTimeout);
            await _shutdown.CancelAsync().ConfigureAwait(false);
            await Task.WhenAny(idle, Task.Delay(TimeSpan.FromSeconds(5), CancellationToken.None)).ConfigureAwait(false);
        }

        foreach (var runner in _runners)
        {
            runner.Join(TimeSpan.FromSeconds(1));
        }

        await CloseAsync().ConfigureAwait(false);
        Log.Stopped(_logger, _options.Queue, Completed, Faulted, Canceled, DeadLettered);
    }

    /// <summary>Stops (with the shutdown timeout) if still running, and releases the connection.</summary>
    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
        _deliveries.Dispose();
        _shutdown.Dispose();
    }

    private async Task OnDeliveryAsync(object sender, BasicDeliverEventArgs e)
    {
        var delivery = new Delivery(
            e.DeliveryTag,
            e.Body.ToArray(), // the client reuses the buffer once this handler returns
            e.BasicProperties.MessageId,
            e.BasicProperties.CorrelationId,
            e.BasicProperties.ReplyTo,
            RabbitMqTopology.Header(e.BasicProperties, RabbitMqTopology.TaskHeader) ?? "task",
            RabbitMqTopology.Deliveries(e.BasicProperties) + 1);

        if (e.Redelivered)
        {
            // A worker took this message and never answered (it died, or lost its connection). Classic queues do not
            // count deliveries, so the count travels in a header: the message goes back as a counted copy, or to the
            // dead-letter queue once it has had its chances.
            await RecountAsync(delivery, e.BasicProperties).ConfigureAwait(false);
            return;
        }

        if (delivery.Body.Length > _options.MaxMessageBytes)
        {
            await DeadLetterAsync(delivery, $"its {delivery.Body.Length} bytes exceed RabbitMqOptions.MaxMessageBytes ({_options.MaxMessageBytes}) of the worker").ConfigureAwait(false);
            return;
        }

        try
        {
            _deliveries.Add(delivery);
        }
        catch (InvalidOperationException)
        {
            await RequeueAsync(delivery).ConfigureAwait(false); // stopping
        }
    }

    private async Task RecountAsync(Delivery delivery, IReadOnlyBasicProperties original)
    {
        int deliveries = delivery.Deliveries + 1; // the one that was lost, and this one
        if (deliveries > _options.MaxDeliveries)
        {
            await DeadLetterAsync(delivery, $"it was delivered {deliveries - 1} times and its worker died or lost its connection each time (RabbitMqOptions.MaxDeliveries is {_options.MaxDeliveries})").ConfigureAwait(false);
            return;
        }

        var headers = original.Headers is { } h ? new Dictionary<string, object?>(h) : [];
        headers[RabbitMqTopology.DeliveriesHeader] = (deliveries - 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var copy = new BasicProperties(original) { Headers = headers };
        try
        {
            await _channel!.BasicPublishAsync("", _options.Queue, mandatory: false, copy, delivery.Body).ConfigureAwait(false);
            await _channel.BasicAckAsync(delivery.Tag, multiple: false).ConfigureAwait(false);
            Interlocked.Increment(ref _requeued);
        }
        catch (Exception error) when (IsConnectionFailure(error))
        {
            Log.ConnectionLostDuring(_logger, delivery.Name, error.Message); // the broker redelivers it
        }
    }

    /// <summary>One runner thread: takes deliveries and runs them until the worker stops.</summary>
    private void Run()
    {
        foreach (var delivery in _deliveries.GetConsumingEnumerable())
        {
            lock (_gate)
            {
                if (_stopping)
                {
                    _ = RequeueAsync(delivery);
                    continue;
                }

                _running++;
            }

            try
            {
                Execute(delivery);
            }
            finally
            {
                lock (_gate)
                {
                    if (--_running == 0 && _stopping)
                    {
                        _idle.TrySetResult();
                    }
                }
            }
        }
    }

    /// <summary>A producer canceled a task: its token is signalled if it runs here, else it is skipped when it comes.</summary>
    private Task OnCancel(object sender, BasicDeliverEventArgs e)
    {
        if (e.BasicProperties.MessageId is { } id)
        {
            _cancels.Cancel(id);
        }

        return Task.CompletedTask;
    }

    private void Execute(Delivery delivery)
    {
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(_shutdown.Token);
        string? id = delivery.MessageId; // the key of cancels from its producer
        if (id is not null)
        {
            if (!_cancels.TryTrack(id, cancel))
            {
                Interlocked.Increment(ref _canceled);
                Log.SkippedCanceled(_logger, delivery.Name);
                AnswerAsync(delivery, reply: null).GetAwaiter().GetResult();
                return;
            }
        }

        ProcessTaskReply reply;
        try
        {
            reply = ProcessWorkerHost.Execute(delivery.Body, cancel.Token);
        }
        finally
        {
            if (id is not null)
            {
                _cancels.Untrack(id);
            }
        }

        switch (reply.Outcome)
        {
            case ProcessTaskOutcome.Canceled when cancel.IsCancellationRequested && !_shutdown.IsCancellationRequested:
                Interlocked.Increment(ref _canceled); // its producer stopped waiting; the reply is dropped there
                break;
            case ProcessTaskOutcome.Canceled when _shutdown.IsCancellationRequested:
                RequeueAsync(delivery).GetAwaiter().GetResult(); // another worker runs it
                return;
            case ProcessTaskOutcome.Refused:
                DeadLetterAsync(delivery, reply.Reason ?? "it could not run").GetAwaiter().GetResult();
                return;
            case ProcessTaskOutcome.Faulted:
                Interlocked.Increment(ref _faulted);
                Log.TaskFaulted(_logger, delivery.Name, reply.Reason ?? "");
                break;
            default:
                Interlocked.Increment(ref _completed);
                break;
        }

        byte[] encoded = reply.Encode();
        if (encoded.Length > _options.MaxMessageBytes)
        {
            encoded = ProcessTaskReply.Refused($"The result of '{delivery.Name}' takes {encoded.Length} bytes, more than RabbitMqOptions.MaxMessageBytes ({_options.MaxMessageBytes}) of worker process {Environment.ProcessId}.").Encode();
        }

        AnswerAsync(delivery, encoded).GetAwaiter().GetResult();
    }

    /// <summary>Publishes the reply (confirmed), then acknowledges the task: a worker lost in between leaves the task
    /// to be run again, never unanswered. Without a reply (a task its producer canceled), only acknowledges.</summary>
    private async Task AnswerAsync(Delivery delivery, byte[]? reply)
    {
        try
        {
            if (reply is not null)
            {
                await ReplyAsync(delivery, reply).ConfigureAwait(false);
            }

            await _channel!.BasicAckAsync(delivery.Tag, multiple: false).ConfigureAwait(false);
        }
        catch (Exception error) when (IsConnectionFailure(error))
        {
            Log.ConnectionLostDuring(_logger, delivery.Name, error.Message); // the broker redelivers it
        }
    }

    private async Task DeadLetterAsync(Delivery delivery, string reason)
    {
        Interlocked.Increment(ref _deadLettered);
        string message = $"Task '{delivery.Name}' was moved to the dead-letter queue '{_options.DeadLetterQueue}' by worker process {Environment.ProcessId}: {reason}.";
        Log.DeadLettered(_logger, message);
        try
        {
            await ReplyAsync(delivery, ProcessTaskReply.Refused(message).Encode()).ConfigureAwait(false);
            await _channel!.BasicRejectAsync(delivery.Tag, requeue: false).ConfigureAwait(false);
        }
        catch (Exception error) when (IsConnectionFailure(error))
        {
            Log.ConnectionLostDuring(_logger, delivery.Name, error.Message);
        }
    }

    /// <summary>Publishes a reply to the task's producer (confirmed by the broker), if it asked for one.</summary>
    private async Task ReplyAsync(Delivery delivery, byte[] reply)
    {
        if (delivery.ReplyTo is { Length: > 0 } replyTo)
        {
            var properties = new BasicProperties { CorrelationId = delivery.CorrelationId, Persistent = true, Type = RabbitMqTopology.ReplyType };
            await _channel!.BasicPublishAsync("", replyTo, mandatory: false, properties, reply).ConfigureAwait(false);
        }
    }

    private async Task RequeueAsync(Delivery delivery)
    {
        Interlocked.Increment(ref _requeued);
        try
        {
            await _channel!.BasicNackAsync(delivery.Tag, multiple: false, requeue: true).ConfigureAwait(false);
        }
        catch (Exception error) when (IsConnectionFailure(error))
        {
            // Unacknowledged messages of a closed channel go back to the queue anyway.
        }
    }

    private async Task CloseAsync()
    {
        try
        {
            if (_channel is { } channel)
            {
                await channel.CloseAsync().ConfigureAwait(false);
            }

            if (_connection is { } connection)
            {
                await connection.CloseAsync().ConfigureAwait(false);
            }
        }
        catch (Exception error) when (IsConnectionFailure(error))
        {
            // Already gone.
        }

        _channel?.Dispose();
        _connection?.Dispose();
    }

    private static bool IsConnectionFailure(Exception error) =>
        error is AlreadyClosedException or OperationInterruptedException or PublishException or System.IO.IOException or OperationCanceledException;

    private sealed record Delivery(ulong Tag, byte[] Body, string? MessageId, string? CorrelationId, string? ReplyTo, string Name, int Deliveries);

    private static partial class Log
    {
        [LoggerMessage(EventId = 101, Level = LogLevel.Information, Message = "Remote worker consuming '{Queue}' at {Broker}, pool size {PoolSize}")]
        public static partial void Started(ILogger logger, string queue, string broker, int poolSize);

        [LoggerMessage(EventId = 102, Level = LogLevel.Information, Message = "Remote worker for '{Queue}' stopped: {Completed} completed, {Faulted} faulted, {Canceled} canceled, {DeadLettered} dead-lettered")]
        public static partial void Stopped(ILogger logger, string queue, long completed, long faulted, long canceled, long deadLettered);

        [LoggerMessage(EventId = 103, Level = LogLevel.Warning, Message = "{Message}")]
        public static partial void DeadLettered(ILogger logger, string message);

        [LoggerMessage(EventId = 104, Level = LogLevel.Warning, Message = "The connection was lost while answering task '{Task}' ({Reason}); the broker delivers it again")]
        public static partial void ConnectionLostDuring(ILogger logger, string task, string reason);

        [LoggerMessage(EventId = 105, Level = LogLevel.Warning, Message = "Running tasks did not finish within the shutdown timeout ({Timeout}); canceling them (they go back to the queue)")]
        public static partial void CancelingOnShutdown(ILogger logger, TimeSpan timeout);

        [LoggerMessage(EventId = 106, Level = LogLevel.Debug, Message = "Task '{Task}' faulted: {Reason}")]
        public static partial void TaskFaulted(ILogger logger, string task, string reason);

        [LoggerMessage(EventId = 107, Level = LogLevel.Debug, Message = "Task '{Task}' was canceled by its producer before it started here; skipped")]
        public static partial void SkippedCanceled(ILogger logger, string task);
    }
}
