using System.Diagnostics;
using System.Globalization;

namespace Atasker.RabbitMQ.Tests.Tasks;

/// <summary>Process tasks that say where and in which order they ran, and that block, fail or kill their worker on
/// demand. Files are how the tests and the workers signal each other across processes.</summary>
public static partial class RemoteTasks
{
    private static long s_started;

    /// <summary>The environment variable naming the directory <see cref="Beat"/> writes to; the test sets it before
    /// it starts the worker process, which inherits it.</summary>
    public const string BeatDirectoryVariable = "ATASKER_REMOTE_BEAT_DIR";

    /// <summary>An interval worker whose executions run on the remote workers: each appends the pid of the worker
    /// process that ran it to "beats", and the third returns false, which stops the worker.</summary>
    [BackgroundWorker(Interval = 0.05, Kind = TaskKind.Process)]
    public static partial bool Beat()
    {
        string beats = Path.Combine(Environment.GetEnvironmentVariable(BeatDirectoryVariable)!, "beats");
        File.AppendAllText(beats, Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "\n");
        return File.ReadAllLines(beats).Length < 3;
    }

    [BackgroundTask(Kind = TaskKind.Process)]
    public static partial int Add(int a, int b);

    /// <summary>"pid:n:index": the worker process that ran it, and its start number in that process.</summary>
    [BackgroundTask(Kind = TaskKind.Process)]
    public static partial string Stamp(int index);

    /// <summary>Writes its worker's id to <paramref name="startedFile"/>, then waits until <paramref name="releaseFile"/>
    /// exists (at most a minute); returns the worker's process id.</summary>
    [BackgroundTask(Kind = TaskKind.Process)]
    public static partial int Block(string startedFile, string releaseFile);

    /// <summary>Writes <paramref name="startedFile"/>, then waits for its token (at most a minute); when it is
    /// signalled, writes <paramref name="canceledFile"/> and ends canceled.</summary>
    [BackgroundTask(Kind = TaskKind.Process)]
    public static partial int Watch(string startedFile, string canceledFile, CancellationToken cancellationToken);

    /// <summary>Writes <paramref name="file"/>: the proof that it ran.</summary>
    [BackgroundTask(Kind = TaskKind.Process)]
    public static partial void Touch(string file);

    [BackgroundTask(Kind = TaskKind.Process)]
    public static partial void Fail(string message);

    /// <summary>Kills its own worker process, as a poison message would.</summary>
    [BackgroundTask(Kind = TaskKind.Process)]
    public static partial void KillWorker();

    [BackgroundTask(Kind = TaskKind.Process)]
    public static partial int Length(byte[] data);

    [BackgroundTask(Kind = TaskKind.Process)]
    public static partial byte[] Bytes(int length);

    public static partial int Add(int a, int b) => a + b;

    public static partial string Stamp(int index) =>
        string.Create(CultureInfo.InvariantCulture, $"{Environment.ProcessId}:{Interlocked.Increment(ref s_started)}:{index}");

    public static partial int Block(string startedFile, string releaseFile)
    {
        File.WriteAllText(startedFile, Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        var waited = Stopwatch.StartNew();
        while (!File.Exists(releaseFile))
        {
            if (waited.Elapsed > TimeSpan.FromMinutes(1))
            {
                throw new TimeoutException($"{releaseFile} never appeared.");
            }

            Thread.Sleep(5);
        }

        return Environment.ProcessId;
    }

    public static partial int Watch(string startedFile, string canceledFile, CancellationToken cancellationToken)
    {
        File.WriteAllText(startedFile, Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        if (cancellationToken.WaitHandle.WaitOne(TimeSpan.FromMinutes(1)))
        {
            File.WriteAllText(canceledFile, "canceled");
            cancellationToken.ThrowIfCancellationRequested();
        }

        return Environment.ProcessId;
    }

    public static partial void Touch(string file) => File.WriteAllText(file, "ran");

    public static partial void Fail(string message) => throw new InvalidOperationException(message);

    public static partial void KillWorker() => Process.GetCurrentProcess().Kill();

    public static partial int Length(byte[] data) => data.Length;

    public static partial byte[] Bytes(int length) => new byte[length];
}
