using Atasker.CompilerServices;
using Atasker.RabbitMQ.Tests.Tasks;
using RabbitMQ.Client;

namespace Atasker.RabbitMQ.Tests;

/// <summary>Process tasks through a real broker to worker processes: results, faults, priorities, sharing, limits.</summary>
[Collection(BrokerCollection.Name)]
public sealed class RemotePoolTests(Broker broker)
{
    private static readonly TimeSpan Patience = RemoteWorkerProcess.Patience;

    [Fact]
    public async Task A_task_goes_to_a_worker_process_and_its_result_or_fault_comes_back()
    {
        await using var producer = await Producer.CreateAsync(broker, "roundtrip");
        using var worker = await producer.StartWorkerAsync(broker);

        var sum = RemoteTasks.StartAdd(2, 3, producer.With());
        await sum.Completion.WaitAsync(Patience);
        Assert.Equal(5, sum.Result);
        Assert.Equal(TaskState.Completed, sum.State);

        var failing = RemoteTasks.StartFail("no such invoice", producer.With());
        await Assert.ThrowsAnyAsync<Exception>(() => failing.Completion.WaitAsync(Patience));
        var fault = Assert.IsType<ProcessTaskException>(failing.Exception);
        Assert.Equal("System.InvalidOperationException", fault.RemoteType);
        Assert.Equal("no such invoice", fault.RemoteMessage);
        Assert.Equal(worker.Id, fault.WorkerProcessId);
        Assert.Contains($"worker process {worker.Id}", fault.Message, StringComparison.Ordinal);

        var length = RemoteTasks.StartLength(new byte[100_000], producer.With());
        await length.Completion.WaitAsync(Patience);
        Assert.Equal(100_000, length.Result);
        Assert.Equal(3, producer.Pool.Published);
        Assert.Equal(0, producer.Pool.Pending);
    }

    [Fact]
    public async Task A_backlog_of_low_tasks_is_overtaken_by_a_high_and_a_critical_one()
    {
        await using var producer = await Producer.CreateAsync(broker, "priorities");
        using var worker = await producer.StartWorkerAsync(broker, poolSize: 1);
        using var files = new SignalFiles();

        // The worker's one slot is taken, so everything after waits in the broker's queue.
        var blocker = RemoteTasks.StartBlock(files.Started, files.Release, producer.With(TaskPriority.Low));
        await files.WaitStartedAsync();
        var lows = Enumerable.Range(0, 20).Select(i => RemoteTasks.StartStamp(i, producer.With(TaskPriority.Low))).ToList();
        await Eventually(() => producer.Pool.Published == 21, "the low tasks are in the queue");
        var high = RemoteTasks.StartStamp(100, producer.With(TaskPriority.High));
        var critical = RemoteTasks.StartStamp(200, producer.With(TaskPriority.Critical));
        await Eventually(() => producer.Pool.Published == 23, "the high and critical tasks are in the queue");
        Assert.Equal(22u, await broker.MessageCountAsync(producer.Queue));

        files.ReleaseNow();
        await blocker.Completion.WaitAsync(Patience);
        string[] stamps = await Task.WhenAll(lows.Append(high).Append(critical).Select(async h =>
        {
            await h.Completion.WaitAsync(Patience);
            return h.Result;
        }));

        long StartNumber(string stamp) => long.Parse(stamp.Split(':')[1]);
        long criticalStart = StartNumber(stamps[^1]), highStart = StartNumber(stamps[^2]);
        long firstLow = stamps[..^2].Min(StartNumber);
        Assert.True(criticalStart < highStart && highStart < firstLow, $"critical {criticalStart}, high {highStart}, first low {firstLow}");
        // The lows keep their order among themselves.
        Assert.Equal(stamps[..^2].Select(StartNumber).Order(), stamps[..^2].Select(StartNumber));
    }

    [Fact]
    public async Task Two_worker_processes_share_the_queue()
    {
        await using var producer = await Producer.CreateAsync(broker, "share");
        using var first = await producer.StartWorkerAsync(broker);
        using var second = await producer.StartWorkerAsync(broker);
        using var files = new SignalFiles();

        // Each takes one blocking task (prefetch 1): both must be busy at once.
        var one = RemoteTasks.StartBlock(files.Started + "1", files.Release, producer.With());
        var two = RemoteTasks.StartBlock(files.Started + "2", files.Release, producer.With());
        await Eventually(() => File.Exists(files.Started + "1") && File.Exists(files.Started + "2"), "both tasks started");
        files.ReleaseNow();
        await Task.WhenAll(one.Completion, two.Completion).WaitAsync(Patience);
        Assert.Equal(new[] { first.Id, second.Id }.Order(), new[] { one.Result, two.Result }.Order());

        var stamps = Enumerable.Range(0, 200).Select(i => RemoteTasks.StartStamp(i, producer.With())).ToList();
        await Task.WhenAll(stamps.Select(s => s.Completion)).WaitAsync(Patience);
        var byWorker = stamps.GroupBy(s => int.Parse(s.Result.Split(':')[0])).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(200, byWorker.Values.Sum());
        Assert.True(byWorker.Keys.All(pid => pid == first.Id || pid == second.Id), string.Join(", ", byWorker.Keys));
    }

    [Fact]
    public async Task An_interval_worker_of_Kind_Process_runs_each_execution_as_a_remote_task()
    {
        using var files = new SignalFiles();
        Environment.SetEnvironmentVariable(RemoteTasks.BeatDirectoryVariable, Path.GetDirectoryName(files.Started));
        await using var producer = await Producer.CreateAsync(broker, "process-worker");
        using var worker = await producer.StartWorkerAsync(broker);
        var beat = RemoteTasks.BeatWorker;

        beat.Start(producer.Supervisor);
        await Eventually(() => !beat.IsActive, "the third execution returned false and stopped the worker");
        await beat.StopAsync().WaitAsync(Patience);

        Assert.Equal((3L, 0L), (beat.Executions, beat.Failures));
        Assert.Equal(Enumerable.Repeat(worker.Id, 3), File.ReadAllLines(files.Named("beats")).Select(int.Parse));
        Assert.Equal((3L, 3L), (producer.Pool.Published, producer.Pool.Replies)); // one remote task per execution
    }

    [Fact]
    public async Task Canceling_a_running_task_signals_its_token_on_the_worker()
    {
        await using var producer = await Producer.CreateAsync(broker, "cancel-running");
        using var worker = await producer.StartWorkerAsync(broker, poolSize: 1);
        using var files = new SignalFiles();

        var watch = RemoteTasks.StartWatch(files.Started, files.Named("canceled"), producer.With());
        await files.WaitStartedAsync();
        Assert.False(watch.Cancel()); // it had started: its token is signalled
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => watch.Completion.WaitAsync(Patience));
        Assert.Equal(TaskState.Canceled, watch.State);

        // The body on the worker saw its token signalled and ended, so the worker's one slot is free again.
        await Eventually(() => File.Exists(files.Named("canceled")), "the body's token was signalled on the worker");
        // The count rises when the broker confirms the cancel, which can come after the worker has acted on it.
        await Eventually(() => producer.Pool.CancelsSent == 1, "the broker confirmed the one cancel");
        var next = RemoteTasks.StartAdd(1, 2, producer.With());
        await next.Completion.WaitAsync(Patience);
        Assert.Equal(3, next.Result);
        Assert.Equal(0u, await broker.MessageCountAsync(producer.Queue));
    }

    [Fact]
    public async Task A_task_canceled_while_it_waits_in_the_broker_is_skipped_by_the_worker()
    {
        await using var producer = await Producer.CreateAsync(broker, "cancel-queued");
        using var worker = await producer.StartWorkerAsync(broker, poolSize: 1);
        using var files = new SignalFiles();

        var blocker = RemoteTasks.StartBlock(files.Started, files.Release, producer.With());
        await files.WaitStartedAsync();
        var canceled = RemoteTasks.StartTouch(files.Named("ran"), producer.With());
        var after = RemoteTasks.StartTouch(files.Named("after"), producer.With());
        await Eventually(() => producer.Pool.Published == 3, "both tasks wait in the queue");
        Assert.False(canceled.Cancel()); // in the broker, so started as far as the handle knows
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => canceled.Completion.WaitAsync(Patience));
        await Eventually(() => producer.Pool.CancelsSent == 1, "the cancel reached the broker");

        // The worker hears the cancel before the task comes (one channel, in order), skips it and runs the next.
        files.ReleaseNow();
        await Task.WhenAll(blocker.Completion, after.Completion).WaitAsync(Patience);
        Assert.True(File.Exists(files.Named("after")));
        Assert.False(File.Exists(files.Named("ran")), "the canceled task ran");
        Assert.Equal(0u, await broker.MessageCountAsync(producer.Queue));
    }

    [Fact]
    public async Task Arguments_or_results_over_the_size_limit_fault_with_the_limit_named()
    {
        await using var producer = await Producer.CreateAsync(broker, "size", o => o.MaxMessageBytes = 64 * 1024);
        using var worker = await producer.StartWorkerAsync(broker);

        var tooLarge = RemoteTasks.StartLength(new byte[65 * 1024], producer.With());
        await Assert.ThrowsAnyAsync<Exception>(() => tooLarge.Completion.WaitAsync(Patience));
        var error = Assert.IsType<RabbitMqPoolException>(tooLarge.Exception);
        Assert.Contains("MaxMessageBytes (65536)", error.Message, StringComparison.Ordinal);
        Assert.Contains("'RemoteTasks.Length'", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, producer.Pool.Published);

        // The worker's own limit is its default (16 MiB): a 20 MiB result is refused there, and said so.
        var hugeResult = RemoteTasks.StartBytes(20 * 1024 * 1024, producer.With());
        await Assert.ThrowsAnyAsync<Exception>(() => hugeResult.Completion.WaitAsync(Patience));
        Assert.Contains("more than RabbitMqOptions.MaxMessageBytes", hugeResult.Exception!.Message, StringComparison.Ordinal);

        var fine = RemoteTasks.StartLength(new byte[1000], producer.With());
        await fine.Completion.WaitAsync(Patience);
        Assert.Equal(1000, fine.Result);
    }

    [Fact]
    public async Task A_thousand_tasks_from_one_producer_through_two_workers_none_lost_priorities_honoured()
    {
        await using var producer = await Producer.CreateAsync(broker, "thousand");
        var priorities = new[] { TaskPriority.Low, TaskPriority.Normal, TaskPriority.High };

        // The whole backlog is queued before the workers come, so the broker orders it.
        var tasks = Enumerable.Range(0, 1000)
            .Select(i => (Priority: priorities[i % 3], Handle: RemoteTasks.StartStamp(i, producer.With(priorities[i % 3]))))
            .ToList();
        await Eventually(() => producer.Pool.Published == 1000, "all 1000 tasks are in the queue");
        using var first = await producer.StartWorkerAsync(broker, poolSize: 2);
        using var second = await producer.StartWorkerAsync(broker, poolSize: 2);
        await Task.WhenAll(tasks.Select(t => t.Handle.Completion)).WaitAsync(Patience);

        var results = tasks.Select(t => (t.Priority, Parts: t.Handle.Result.Split(':').Select(long.Parse).ToArray())).ToList();
        Assert.Equal(Enumerable.Range(0, 1000), results.Select(r => (int)r.Parts[2]).Order());
        Assert.Equal(0u, await broker.MessageCountAsync(producer.Queue));
        Assert.True(results.Select(r => r.Parts[0]).Distinct().Count() == 2, "both workers ran tasks");

        // Within each worker, High tasks started before Normal ones, and Normal before Low, on average of rank.
        var meanRank = priorities.ToDictionary(p => p, p => results
            .GroupBy(r => r.Parts[0])
            .SelectMany(g => g.OrderBy(r => r.Parts[1]).Select((r, rank) => (r.Priority, Rank: (double)rank / g.Count())))
            .Where(r => r.Priority == p)
            .Average(r => r.Rank));
        Assert.True(
            meanRank[TaskPriority.High] < meanRank[TaskPriority.Normal] && meanRank[TaskPriority.Normal] < meanRank[TaskPriority.Low],
            $"mean start rank: high {meanRank[TaskPriority.High]:F2}, normal {meanRank[TaskPriority.Normal]:F2}, low {meanRank[TaskPriority.Low]:F2}");
    }

    [Fact]
    public async Task Unknown_task_ids_and_garbage_are_dead_lettered_and_their_sender_told()
    {
        var options = broker.Options(Producer.NewQueue("garbage"));
        using var worker = await RemoteWorkerProcess.StartAsync(broker, options.Queue);
        await using var connection = await broker.ConnectAsync();
        await using var channel = await connection.CreateChannelAsync();
        var replyQueue = (await channel.QueueDeclareAsync()).QueueName;
        var replies = new System.Collections.Concurrent.BlockingCollection<(string Id, ProcessTaskReply Reply)>();
        var consumer = new global::RabbitMQ.Client.Events.AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, e) =>
        {
            replies.Add((e.BasicProperties.CorrelationId!, ProcessTaskReply.Decode(e.Body.ToArray())));
            return Task.CompletedTask;
        };
        await channel.BasicConsumeAsync(replyQueue, autoAck: true, consumer);

        var writer = new ProcessWriter();
        writer.WriteUInt64(0x0123456789abcdef); // no such task
        writer.WriteBytes([]);
        foreach (var (id, body) in new[] { ("unknown", writer.ToArray()), ("garbage", new byte[] { 1, 2, 3 }) })
        {
            var properties = new BasicProperties { CorrelationId = id, ReplyTo = replyQueue, Persistent = true };
            await channel.BasicPublishAsync("", options.Queue, mandatory: true, properties, (ReadOnlyMemory<byte>)body);
        }

        var received = new[] { Take(), Take() }.ToDictionary(r => r.Id, r => r.Reply);
        Assert.All(received.Values, r => Assert.Equal(ProcessTaskOutcome.Refused, r.Outcome));
        Assert.Contains("no process task with id 0x0123456789abcdef", received["unknown"].Reason, StringComparison.Ordinal);
        Assert.Contains("could not decode", received["garbage"].Reason, StringComparison.Ordinal);
        Assert.Contains(options.DeadLetterQueue, received["garbage"].Reason, StringComparison.Ordinal);
        await Eventually(async () => await broker.MessageCountAsync(options.DeadLetterQueue) == 2, "both messages are in the dead-letter queue");

        (string Id, ProcessTaskReply Reply) Take() =>
            replies.TryTake(out var reply, Patience) ? reply : throw new TimeoutException("No reply came.");
    }

    internal static Task Eventually(Func<bool> condition, string what) => Eventually(() => Task.FromResult(condition()), what);

    internal static async Task Eventually(Func<Task<bool>> condition, string what)
    {
        using var deadline = new CancellationTokenSource(Patience);
        while (!await condition())
        {
            if (deadline.IsCancellationRequested)
            {
                throw new TimeoutException($"Timed out waiting until {what}.");
            }

            await Task.Delay(10);
        }
    }
}
