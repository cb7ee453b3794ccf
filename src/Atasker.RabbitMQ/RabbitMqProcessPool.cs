using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;

namespace Atasker;

/// <summary>
/// The producer side: a remote process pool that publishes each task to the durable task queue (persistent, with its
/// broker priority, confirmed by the broker) and completes its handle from the reply that comes back on this
/// producer's own reply queue. The connection recovers by itself; a task is never left waiting for ever: a publish
/// that cannot be confirmed within <see cref="RabbitMqOptions.PublishTimeout"/>, a connection that is not back within
/// <see cref="RabbitMqOptions.ReconnectTimeout"/>, or disposing the pool faults the handles concerned.
/// </summary>
public sealed class RabbitMqProcessPool : IRemoteProcessPool, IAsyncDisposable
{
    private static readonly TimeSpan RetryInterval = TimeSpan.FromMilliseconds(200);

    private readonly RabbitMqOptions _options;
    private readonly IConnection _connection;
    private readonly IChannel _channel;
    private readonly ConcurrentDictionary<string, TaskCompletionSource<ProcessTaskReply>> _pending = new();
    private readonly object _gate = new();
    private CancellationTokenSource? _reconnectWatch; // set while the connection is down, guarded by _gate
    private long _published;
    private long _replies;
    private long _cancelsSent;
    private int _disposed;

    private RabbitMqProcessPool(RabbitMqOptions options, IConnection connection, IChannel channel, string replyQueue)
    {
        _options = options;
        _connection = connection;
        _channel = channel;
        ReplyQueue = replyQueue;
        _connection.ConnectionShutdownAsync += (_, e) =>
        {
            if (e.Initiator != ShutdownInitiator.Application)
            {
                WatchReconnect(e.ReplyText);
            }

            return Task.CompletedTask;
        };
        _connection.RecoverySucceededAsync += (_, _) => StopWatchingReconnectAsync();
    }

    /// <summary>The queue tasks are published to.</summary>
    public string Queue => _options.Queue;

    /// <summary>This producer's reply queue (durable, deleted by the broker after ten unused minutes).</summary>
    public string ReplyQueue { get; }

    /// <summary>Tasks published and confirmed so far.</summary>
    public long Published => Interlocked.Read(ref _published);

    /// <summary>Replies received so far.</summary>
    public long Replies => Interlocked.Read(ref _replies);

    /// <summary>Cancels sent to the workers (and confirmed by the broker) for tasks canceled after they were published.</summary>
    public long CancelsSent => Interlocked.Read(ref _cancelsSent);

    /// <summary>Tasks published and still waiting for their reply.</summary>
    public int Pending => _pending.Count;

    /// <summary>True while the connection to the broker is up.</summary>
    public bool IsConnected => _connection.IsOpen;

    /// <summary>Connects to the broker, declares the queues and starts listening for replies.</summary>
    /// <exception cref="ArgumentException">An option is invalid (named).</exception>
    /// <exception cref="RabbitMqPoolException">The broker is unreachable or a queue cannot be declared.</exception>
    public static async Task<RabbitMqProcessPool> ConnectAsync(RabbitMqOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options = options.Clone();
        options.Validate();
        var connection = await RabbitMqTopology.ConnectAsync(options, "producer", (uint)RabbitMqOptions.MaxMessageBytesLimit, cancellationToken).ConfigureAwait(false);
        try
        {
            var channel = await connection.CreateChannelAsync(
                new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true),
                cancellationToken).ConfigureAwait(false);
            await RabbitMqTopology.DeclareAsync(channel, options, cancellationToken).ConfigureAwait(false);
#pragma warning disable CA1308 // A queue name, lowercase by convention, never compared as text.
            string replyQueue = $"atasker.replies.{Environment.MachineName}.{Environment.ProcessId}.{Convert.ToHexString(RandomNumberGenerator.GetBytes(4)).ToLowerInvariant()}";
#pragma warning restore CA1308
            await channel.QueueDeclareAsync(
                replyQueue, durable: true, exclusive: false, autoDelete: false,
                arguments: new Dictionary<string, object?> { ["x-expires"] = (int)TimeSpan.FromMinutes(10).TotalMilliseconds },
                cancellationToken: cancellationToken).ConfigureAwait(false);
            var pool = new RabbitMqProcessPool(options, connection, channel, replyQueue);
            var consumer = new AsyncEventingBasicConsumer(channel);
            consumer.ReceivedAsync += pool.OnReplyAsync;
            await channel.BasicConsumeAsync(replyQueue, autoAck: false, consumer, cancellationToken).ConfigureAwait(false);
            return pool;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <inheritdoc />
    public async Task<ProcessTaskReply> RunAsync(RemoteTaskRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ThrowIfDisposed(request);
        if (request.Body.Length > _options.MaxMessageBytes)
        {
            throw new RabbitMqPoolException(
                $"Process task '{request.Name}' was not sent: its arguments take {request.Body.Length} bytes, more than RabbitMqOptions.MaxMessageBytes ({_options.MaxMessageBytes}).");
        }

        string correlationId = request.TaskId.ToString(CultureInfo.InvariantCulture);
        string messageId = $"{ReplyQueue}/{correlationId}";
        var reply = new TaskCompletionSource<ProcessTaskReply>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[correlationId] = reply;
        try
        {
            await PublishAsync(request, correlationId, messageId, cancellationToken).ConfigureAwait(false);
            Interlocked.Increment(ref _published);
            try
            {
                return await reply.Task.WaitAsync(_options.ReplyTimeout, cancellationToken).ConfigureAwait(false); // infinite by default
            }
            catch (TimeoutException error)
            {
                throw new RabbitMqPoolException(
                    $"Process task '{request.Name}' got no reply within RabbitMqOptions.ReplyTimeout ({_options.ReplyTimeout}); it is still in queue '{Queue}' or running on a worker.", error);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The message may be in the broker or running: the workers are told, and the handle ends now.
            _ = SendCancelAsync(messageId);
            throw;
        }
        finally
        {
            _pending.TryRemove(correlationId, out _);
        }
    }

    /// <summary>Closes the connection. Tasks still waiting for replies fault (they may still run on workers).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        FailPending($"The RabbitMQ pool for queue '{Queue}' was closed before the reply came; the task may still run on a worker.");
        try
        {
            await _channel.QueueDeleteAsync(ReplyQueue, ifUnused: false, ifEmpty: false).ConfigureAwait(false);
            await _channel.CloseAsync().ConfigureAwait(false);
            await _connection.CloseAsync().ConfigureAwait(false);
        }
        catch (Exception error) when (error is AlreadyClosedException or OperationInterruptedException or OperationCanceledException or System.IO.IOException)
        {
            // The broker is gone; the reply queue expires by itself.
        }

        _channel.Dispose();
        _connection.Dispose();
        await StopWatchingReconnectAsync().ConfigureAwait(false);
    }

    /// <summary>The connection is back (or the pool closes): the pending handles are not failed for it.</summary>
    private async Task StopWatchingReconnectAsync()
    {
        CancellationTokenSource? watch;
        lock (_gate)
        {
            watch = _reconnectWatch;
            _reconnectWatch = null;
        }

        if (watch is not null)
        {
            await watch.CancelAsync().ConfigureAwait(false);
            watch.Dispose();
        }
    }

    /// <summary>Publishes until the broker confirms, riding out reconnections, within the publish timeout.</summary>
    private async Task PublishAsync(RemoteTaskRequest request, string correlationId, string messageId, CancellationToken cancellationToken)
    {
        var properties = new BasicProperties
        {
            CorrelationId = correlationId,
            ReplyTo = ReplyQueue,
            Persistent = true,
            Priority = RabbitMqTopology.ToBroker(request.Priority),
            Type = RabbitMqTopology.TaskType,
            MessageId = messageId,
            Headers = new Dictionary<string, object?> { [RabbitMqTopology.TaskHeader] = request.Name },
        };
        long deadline = Environment.TickCount64 + (long)_options.PublishTimeout.TotalMilliseconds;
        while (true)
        {
            ThrowIfDisposed(request);
            try
            {
                await _channel.BasicPublishAsync("", Queue, mandatory: true, properties, request.Body, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (PublishException error) when (error.IsReturn)
            {
                throw new RabbitMqPoolException($"Process task '{request.Name}' was returned by the broker: queue '{Queue}' does not exist any more at {RabbitMqTopology.Display(_options.Uri)}.", error);
            }
            catch (Exception error) when (error is PublishException or AlreadyClosedException or OperationInterruptedException or System.IO.IOException)
            {
                if (Environment.TickCount64 >= deadline)
                {
                    throw new RabbitMqPoolException(
                        $"Process task '{request.Name}' could not be published to queue '{Queue}' at {RabbitMqTopology.Display(_options.Uri)} within RabbitMqOptions.PublishTimeout ({_options.PublishTimeout}): {error.Message}",
                        error);
                }

                await Task.Delay(RetryInterval, cancellationToken).ConfigureAwait(false); // the connection recovers meanwhile
            }
        }
    }

    /// <summary>Tells every worker of the queue that the task <paramref name="messageId"/> is canceled: the one running
    /// it signals its token, the one it is delivered to later skips it. Best effort: a broker that is gone drops it.</summary>
    private async Task SendCancelAsync(string messageId)
    {
        var properties = new BasicProperties { MessageId = messageId, Type = RabbitMqTopology.CancelType };
        try
        {
            using var timeout = new CancellationTokenSource(_options.PublishTimeout);
            await _channel.BasicPublishAsync(_options.CancelExchange, "", mandatory: false, properties, ReadOnlyMemory<byte>.Empty, timeout.Token).ConfigureAwait(false);
            Interlocked.Increment(ref _cancelsSent);
        }
        catch (Exception error) when (error is PublishException or AlreadyClosedException or OperationInterruptedException or OperationCanceledException or ObjectDisposedException or System.IO.IOException)
        {
            // The task's handle is canceled already; at worst its body runs to its end on a worker, unanswered.
        }
    }

    private async Task OnReplyAsync(object sender, BasicDeliverEventArgs delivery)
    {
        Interlocked.Increment(ref _replies);
        if (delivery.BasicProperties.CorrelationId is { } correlationId && _pending.TryRemove(correlationId, out var reply))
        {
            try
            {
                reply.TrySetResult(ProcessTaskReply.Decode(delivery.Body.ToArray()));
            }
            catch (ProcessProtocolException error)
            {
                reply.TrySetException(new RabbitMqPoolException($"The reply to task {correlationId} could not be decoded: {error.Message}", error));
            }
        }

        // A reply nobody waits for (a duplicate after a redelivery, a canceled task) is dropped.
        try
        {
            await _channel.BasicAckAsync(delivery.DeliveryTag, multiple: false).ConfigureAwait(false);
        }
        catch (Exception error) when (error is AlreadyClosedException or OperationInterruptedException)
        {
            // Redelivered after the reconnection, and dropped then as a duplicate.
        }
    }

    /// <summary>The connection dropped: if it is not back within the reconnect timeout, the waiting handles fault.</summary>
    private void WatchReconnect(string reason)
    {
        CancellationTokenSource watch;
        lock (_gate)
        {
            if (_reconnectWatch is not null || Volatile.Read(ref _disposed) != 0)
            {
                return;
            }

            watch = _reconnectWatch = new CancellationTokenSource();
        }

        _ = Task.Delay(_options.ReconnectTimeout, watch.Token).ContinueWith(
            t =>
            {
                if (!t.IsCanceled)
                {
                    FailPending($"Lost the connection to the RabbitMQ broker at {RabbitMqTopology.Display(_options.Uri)} ({reason}) and it was not back within RabbitMqOptions.ReconnectTimeout ({_options.ReconnectTimeout}); the task was published and may still run on a worker.");
                }
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    private void FailPending(string message)
    {
        foreach (var (key, reply) in _pending)
        {
            if (_pending.TryRemove(key, out _))
            {
                reply.TrySetException(new RabbitMqPoolException(message));
            }
        }
    }

    private void ThrowIfDisposed(RemoteTaskRequest request)
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            throw new RabbitMqPoolException($"Process task '{request.Name}' was not sent: the RabbitMQ pool for queue '{Queue}' is closed.");
        }
    }
}
