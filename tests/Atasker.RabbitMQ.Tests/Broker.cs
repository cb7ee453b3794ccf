using Atasker.Testing;
using System.Diagnostics;
using RabbitMQ.Client;

// One broker for the whole assembly, and tests that restart it: one test at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace Atasker.RabbitMQ.Tests;

/// <summary>Every test class shares the broker.</summary>
[CollectionDefinition(Name)]
public sealed class BrokerCollection : ICollectionFixture<Broker>
{
    public const string Name = "broker";
}

/// <summary>
/// The RabbitMQ node the tests run against: the one .ci/run started (ATASKER_RABBITMQ_URI, with its data directory in
/// ATASKER_RABBITMQ_DIR so it can be restarted), or else a private node on loopback that .ci/rabbitmq installs and
/// starts for this run and stops after it. Not a mock: without a broker, the tests fail saying why.
/// </summary>
public sealed class Broker : IDisposable
{
    private readonly bool _owned;

    public Broker()
    {
        if (Environment.GetEnvironmentVariable("ATASKER_RABBITMQ_URI") is { Length: > 0 } uri
            && Environment.GetEnvironmentVariable("ATASKER_RABBITMQ_DIR") is { Length: > 0 } dir)
        {
            Uri = new Uri(uri);
            Directory = dir;
            return;
        }

        Directory = Path.Combine(Path.GetTempPath(), $"atasker-rabbitmq-{Environment.ProcessId}");
        Uri = new Uri(Script("start", Directory).Trim());
        _owned = true;
    }

    public Uri Uri { get; }

    public string Directory { get; }


    /// <summary>Stops the node and starts it again with the same data (durable queues and persistent messages stay).</summary>
    public void Restart() => Script("restart", Directory);

    public void Stop() => Script("stop", Directory);

    public void Start() => Script("start", Directory);

    public RabbitMqOptions Options(string queue, int poolSize = 1) => new()
    {
        Uri = Uri,
        Queue = queue,
        PoolSize = poolSize,
    };

    /// <summary>A raw connection for what the tests check behind Atasker's back (queue depths, odd messages).</summary>
    public async Task<IConnection> ConnectAsync() => await new ConnectionFactory { Uri = Uri }.CreateConnectionAsync();

    public async Task<uint> MessageCountAsync(string queue)
    {
        await using var connection = await ConnectAsync();
        await using var channel = await connection.CreateChannelAsync();
        return (await channel.QueueDeclarePassiveAsync(queue)).MessageCount;
    }

    public void Dispose()
    {
        if (_owned)
        {
            Stop();
            System.IO.Directory.Delete(Directory, recursive: true); // the node's data, logs and cookie
        }
    }

    private static string Script(string command, string dir)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(Repository.Root, ".ci", "rabbitmq"));
        start.ArgumentList.Add(command);
        start.ArgumentList.Add(dir);
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill();
            throw new InvalidOperationException($".ci/rabbitmq {command} did not finish within 5 minutes.");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"The RabbitMQ broker for the tests could not {command}: {error.Result.Trim()}");
        }

        return output;
    }
}
