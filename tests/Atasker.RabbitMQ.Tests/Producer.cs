namespace Atasker.RabbitMQ.Tests;

/// <summary>A supervisor whose process tasks go through RabbitMQ to the test's queue (one queue per test).</summary>
internal sealed class Producer : IAsyncDisposable
{
    private Producer(TaskSupervisor supervisor, RabbitMqProcessPool pool, RabbitMqOptions options)
    {
        Supervisor = supervisor;
        Pool = pool;
        Options = options;
    }

    public TaskSupervisor Supervisor { get; }

    public RabbitMqProcessPool Pool { get; }

    public RabbitMqOptions Options { get; }

    public string Queue => Options.Queue;

    public static string NewQueue(string test) => $"atasker.test.{test}.{Guid.NewGuid():N}";

    public static async Task<Producer> CreateAsync(Broker broker, string test, Action<RabbitMqOptions>? configure = null)
    {
        var options = broker.Options(NewQueue(test));
        configure?.Invoke(options);
        var supervisor = new TaskSupervisor($"producer-{test}");
        var pool = await supervisor.UseRabbitMqAsync(options);
        return new Producer(supervisor, pool, options);
    }

    public TaskOptions With(TaskPriority priority = TaskPriority.Normal) => new() { Supervisor = Supervisor, Priority = priority };

    public Task<RemoteWorkerProcess> StartWorkerAsync(Broker broker, int poolSize = 1, int maxDeliveries = 5, bool mayDieAtOnce = false) =>
        RemoteWorkerProcess.StartAsync(broker, Queue, poolSize, maxDeliveries, mayDieAtOnce);

    public async ValueTask DisposeAsync()
    {
        await Supervisor.StopAsync(wait: true, cancelTasks: true).WaitAsync(RemoteWorkerProcess.Patience);
        await Pool.DisposeAsync();
        await Supervisor.DisposeAsync();
    }
}
