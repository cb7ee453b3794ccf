using Atasker.RabbitMQ.Tests.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Atasker.RabbitMQ.Tests;

/// <summary>Workers that die, a broker that restarts or goes away, poison, graceful shutdown: nothing lost, nothing
/// hangs.</summary>
[Collection(BrokerCollection.Name)]
public sealed class ReliabilityTests(Broker broker)
{
    private static readonly TimeSpan Patience = RemoteWorkerProcess.Patience;

    [Fact]
    public async Task A_worker_killed_mid_task_leaves_the_task_to_another_worker()
    {
        await using var producer = await Producer.CreateAsync(broker, "kill");
        using var first = await producer.StartWorkerAsync(broker);
        using var files = new SignalFiles();

        var task = RemoteTasks.StartBlock(files.Started, files.Release, producer.With());
        int victim = await files.WaitStartedAsync();
        Assert.Equal(first.Id, victim);
        using var second = await producer.StartWorkerAsync(broker);
        File.Delete(files.Started);
        first.Kill(); // SIGKILL, mid-task

        Assert.Equal(second.Id, await files.WaitStartedAsync());
        files.ReleaseNow();
        await task.Completion.WaitAsync(Patience);
        Assert.Equal(second.Id, task.Result);
        Assert.Equal(0u, await broker.MessageCountAsync(producer.Queue));
    }

    [Fact]
    public async Task A_message_that_kills_every_worker_goes_to_the_dead_letter_queue_after_max_deliveries()
    {
        await using var producer = await Producer.CreateAsync(broker, "poison");
        var task = RemoteTasks.StartKillWorker(producer.With());
        var workers = new List<RemoteWorkerProcess>();
        var victims = new List<int>();
        try
        {
            while (!task.Completion.IsCompleted && victims.Count < 5)
            {
                // The task may kill a worker before it has even said that it consumes.
                var worker = await producer.StartWorkerAsync(broker, maxDeliveries: 2, mayDieAtOnce: true);
                workers.Add(worker);
                var exited = worker.WaitForExitAsync();
                await Task.WhenAny(exited, task.Completion.ContinueWith(_ => { })).WaitAsync(Patience);
                if (exited.IsCompleted)
                {
                    victims.Add(worker.Id);
                }
            }

            // The reply goes first (a worker lost in between cannot leave the producer waiting), then the rejection.
            await RemotePoolTests.Eventually(async () => await broker.MessageCountAsync(producer.Options.DeadLetterQueue) == 1, "the message is dead-lettered");
        }
        finally
        {
            workers.ForEach(w => w.Dispose());
        }

        await Assert.ThrowsAnyAsync<Exception>(() => task.Completion.WaitAsync(Patience));
        Assert.Equal(2, victims.Count); // two deliveries killed their workers; the third was dead-lettered
        Assert.Contains("dead-letter queue", task.Exception!.Message, StringComparison.Ordinal);
        Assert.Contains("delivered 2 times", task.Exception.Message, StringComparison.Ordinal);
        Assert.Equal(0u, await broker.MessageCountAsync(producer.Queue));
    }

    [Fact]
    public async Task Producers_and_workers_reconnect_after_a_broker_restart_and_the_task_in_flight_completes()
    {
        await using var producer = await Producer.CreateAsync(broker, "restart");
        using var worker = await producer.StartWorkerAsync(broker);
        using var files = new SignalFiles();
        var before = RemoteTasks.StartAdd(1, 2, producer.With());
        await before.Completion.WaitAsync(Patience);

        var inFlight = RemoteTasks.StartBlock(files.Started, files.Release, producer.With());
        await files.WaitStartedAsync();
        broker.Restart(); // the task's message is unacknowledged: durable and persistent, it survives and comes back
        Assert.False(producer.Pool.IsConnected && worker.HasExited);
        files.ReleaseNow();

        var after = RemoteTasks.StartAdd(20, 22, producer.With());
        await Task.WhenAll(inFlight.Completion, after.Completion).WaitAsync(Patience);
        Assert.Equal(worker.Id, inFlight.Result);
        Assert.Equal(42, after.Result);
        Assert.False(worker.HasExited);
        Assert.True(producer.Pool.IsConnected);
    }

    [Fact]
    public async Task When_the_broker_stays_away_waiting_and_new_tasks_fault_with_the_reason_instead_of_hanging()
    {
        await using var producer = await Producer.CreateAsync(broker, "gone", o =>
        {
            o.ReconnectTimeout = TimeSpan.FromSeconds(2);
            o.PublishTimeout = TimeSpan.FromSeconds(2);
        });
        var waiting = RemoteTasks.StartAdd(1, 1, producer.With()); // no worker: it waits for its reply
        await RemotePoolTests.Eventually(() => producer.Pool.Published == 1, "the task is published");
        broker.Stop();
        try
        {
            await Assert.ThrowsAnyAsync<Exception>(() => waiting.Completion.WaitAsync(Patience));
            var lost = Assert.IsType<RabbitMqPoolException>(waiting.Exception);
            Assert.Contains("not back within RabbitMqOptions.ReconnectTimeout", lost.Message, StringComparison.Ordinal);
            Assert.Contains("may still run", lost.Message, StringComparison.Ordinal);

            var late = RemoteTasks.StartAdd(2, 2, producer.With());
            await Assert.ThrowsAnyAsync<Exception>(() => late.Completion.WaitAsync(Patience));
            Assert.Contains("could not be published", late.Exception!.Message, StringComparison.Ordinal);
            Assert.Contains("PublishTimeout", late.Exception.Message, StringComparison.Ordinal);
        }
        finally
        {
            broker.Start();
        }
    }

    [Fact]
    public async Task A_stopped_worker_finishes_and_answers_its_running_task_and_gives_back_the_rest()
    {
        await using var producer = await Producer.CreateAsync(broker, "graceful");
        using var worker = await producer.StartWorkerAsync(broker);
        using var files = new SignalFiles();
        var running = RemoteTasks.StartBlock(files.Started, files.Release, producer.With());
        await files.WaitStartedAsync();
        var queued = Enumerable.Range(0, 5).Select(i => RemoteTasks.StartAdd(i, i, producer.With())).ToList();
        await RemotePoolTests.Eventually(() => producer.Pool.Published == 6, "the tasks are in the queue");

        var exit = worker.TerminateAsync();
        await RemotePoolTests.Eventually(() => worker.Output.Contains("stopping", StringComparison.Ordinal), "the stop began");
        Assert.False(exit.IsCompleted);
        files.ReleaseNow();
        Assert.Equal(0, await exit);
        await running.Completion.WaitAsync(Patience);
        Assert.Equal(worker.Id, running.Result);
        Assert.All(queued, q => Assert.False(q.Completion.IsCompleted));

        using var next = await producer.StartWorkerAsync(broker);
        await Task.WhenAll(queued.Select(q => q.Completion)).WaitAsync(Patience);
        Assert.Equal(Enumerable.Range(0, 5).Select(i => 2 * i), queued.Select(q => q.Result));
    }

    [Fact]
    public async Task A_hosted_worker_serves_with_the_host_and_drains_on_shutdown()
    {
        await using var producer = await Producer.CreateAsync(broker, "hosted");
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddAtaskerRemoteWorker(o =>
        {
            o.Uri = broker.Uri;
            o.Queue = producer.Queue;
            o.PoolSize = 2;
        });
        using var host = builder.Build();
        await host.StartAsync();
        using var files = new SignalFiles();

        var sum = RemoteTasks.StartAdd(40, 2, producer.With());
        await sum.Completion.WaitAsync(Patience);
        Assert.Equal(42, sum.Result);

        var running = RemoteTasks.StartBlock(files.Started, files.Release, producer.With());
        Assert.Equal(Environment.ProcessId, await files.WaitStartedAsync());
        var stopped = host.StopAsync();
        Assert.False(stopped.IsCompleted);
        files.ReleaseNow();
        await stopped.WaitAsync(Patience);
        await running.Completion.WaitAsync(Patience);
        Assert.Equal(Environment.ProcessId, running.Result);
    }

    [Fact]
    public void Bad_options_and_arguments_are_refused_with_their_names()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new AtaskerRemoteWorker(new RabbitMqOptions { PoolSize = 0 }));
        Assert.Contains("RabbitMqOptions.PoolSize", error.Message, StringComparison.Ordinal);
        var uri = Assert.Throws<ArgumentException>(() => new RabbitMqOptions { Uri = new Uri("http://localhost/") }.Validate());
        Assert.Contains("amqp://", uri.Message, StringComparison.Ordinal);
        Assert.Contains("MaxMessageBytes", Assert.Throws<ArgumentOutOfRangeException>(() => new RabbitMqOptions { MaxMessageBytes = 0 }.Validate()).Message, StringComparison.Ordinal);
        Assert.Contains("ReplyTimeout", Assert.Throws<ArgumentOutOfRangeException>(() => new RabbitMqOptions { ReplyTimeout = TimeSpan.Zero }.Validate()).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_broker_is_named_in_the_error()
    {
        var options = new RabbitMqOptions { Uri = new Uri("amqp://guest:guest@127.0.0.1:1/") };
        var error = await Assert.ThrowsAsync<RabbitMqPoolException>(() => RabbitMqProcessPool.ConnectAsync(options));
        Assert.Contains("amqp://127.0.0.1:1/", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("guest", error.Message, StringComparison.Ordinal);
    }
}
