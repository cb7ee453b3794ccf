using System.Diagnostics;
using System.IO.Pipes;
using Atasker.Benchmarks.Quick;
using Atasker.CompilerServices;

namespace Atasker.Benchmarks.Comparisons;

/// <summary>
/// 7: a process task's round trip with a warm worker, against a raw 64-byte echo over a named pipe to a child process
/// (this app started with <c>--pipe-echo</c>); and the cold start of a worker (start, connect, first task). With
/// <c>--aot-worker PATH</c> the cold start of a NativeAOT worker binary is measured too.
/// </summary>
internal static class ProcessRoundTrip
{
    public const string EchoArgument = "--pipe-echo";

    public static void Run(Report report, QuickOptions options)
    {
        int trips = options.Ops(2_000);
        using var supervisor = new TaskSupervisor("bench-process");
        supervisor.SetProcessPool(1);
        var taskOptions = new TaskOptions { Supervisor = supervisor };
        Workloads.StartEcho(0, taskOptions).Wait(); // a warm worker

        using var echo = RawEcho.Start();
        var samples = Rounds.Interleave(
        [
            new("Atasker: process task round trip, warm worker", n =>
            {
                for (int i = 0; i < n; i++)
                {
                    Workloads.StartEcho(i, taskOptions).Wait();
                }
            }),
            new("Raw 64-byte echo over a pipe to a child", echo.RoundTrips),
        ], trips, options);

        report.Title("7. Process tasks", $"{trips:N0} sequential round trips per round, one warm worker; the same against a raw pipe echo");
        report.Table(samples, "Raw 64-byte echo over a pipe to a child", "trip");
        double ratio = Rounds.Median(samples["Atasker: process task round trip, warm worker"].Select(s => s.NanosecondsPerOp))
            / Rounds.Median(samples["Raw 64-byte echo over a pipe to a child"].Select(s => s.NanosecondsPerOp));
        report.Target("7. Atasker warm process round trip / raw pipe echo", ratio, 2.0);

        // Throughput: many tasks at once, the pool (one worker per core) full all the time.
        supervisor.SetProcessPool(Environment.ProcessorCount);
        TaskHandle.WaitCompleted(Enumerable.Range(0, Environment.ProcessorCount * 4).Select(i => Workloads.StartEcho(i, taskOptions)));
        var throughput = new List<double>();
        for (int round = 0; round < options.Rounds; round++)
        {
            var clock = Stopwatch.StartNew();
            TaskHandle.WaitCompleted(Enumerable.Range(0, trips).Select(i => Workloads.StartEcho(i, taskOptions)));
            throughput.Add(trips / clock.Elapsed.TotalSeconds);
        }

        report.Note($"Throughput with the pool ({Environment.ProcessorCount} workers) full: median {Rounds.Median(throughput):N0} tasks/s over {options.Rounds} rounds of {trips:N0}");

        var jit = ColdStarts(ProcessWorkerCommand.ForCurrentApp(), 5);
        var cold = new Dictionary<string, (List<double>, double)> { ["Worker cold start + first task, JIT"] = (jit, 0) };
        if (options.AotWorker is { } aot)
        {
            cold["Worker cold start + first answer, NativeAOT"] = (ColdStarts(new ProcessWorkerCommand(aot, []), 5), 0);
        }

        report.Latencies(cold);
    }

    /// <summary>Starts a worker from scratch, <paramref name="count"/> times, timing the first round trip (µs).</summary>
    private static List<double> ColdStarts(ProcessWorkerCommand command, int count)
    {
        var times = new List<double>();
        for (int i = 0; i < count; i++)
        {
            using var fresh = new TaskSupervisor();
            fresh.ProcessWorkerCommand = command;
            var clock = Stopwatch.StartNew();
            try
            {
                // A worker of another app does not know this id: it still starts, connects and answers.
                TaskLauncher.StartProcess<int>(new TaskMethodInfo("Cold.Start", kind: TaskKind.Process), new TaskOptions { Supervisor = fresh }, 1, new ProcessWriter(), static r => r.ReadInt32()).Wait();
            }
            catch (ProcessWorkerException) when (command.StartupHookAssembly is null)
            {
            }
            catch (ProcessWorkerException)
            {
                // This app's own worker does not know id 1 either; the answer arrived all the same.
            }

            times.Add(clock.Elapsed.TotalMicroseconds);
        }

        return times;
    }

    /// <summary>The child side of the raw echo: reads 64-byte messages from the named pipe and sends them back.</summary>
    public static int ServeEcho(string pipeName)
    {
        using var pipe = new NamedPipeClientStream(".", pipeName, PipeDirection.InOut);
        pipe.Connect(TimeSpan.FromSeconds(30));
        var buffer = new byte[64];
        while (true)
        {
            int read = 0;
            while (read < buffer.Length)
            {
                int n = pipe.Read(buffer, read, buffer.Length - read);
                if (n == 0)
                {
                    return 0;
                }

                read += n;
            }

            pipe.Write(buffer);
        }
    }

    /// <summary>The parent side of the raw echo.</summary>
    private sealed class RawEcho : IDisposable
    {
        private readonly NamedPipeServerStream _pipe;
        private readonly Process _child;
        private readonly byte[] _message = new byte[64];

        private RawEcho(NamedPipeServerStream pipe, Process child)
        {
            _pipe = pipe;
            _child = child;
        }

        public static RawEcho Start()
        {
            string name = $"atasker-bench-echo-{Environment.ProcessId}";
            var pipe = new NamedPipeServerStream(name, PipeDirection.InOut, 1, PipeTransmissionMode.Byte, PipeOptions.None);
            var command = ProcessWorkerCommand.ForCurrentApp();
            var start = new ProcessStartInfo(command.FileName) { UseShellExecute = false };
            foreach (string argument in command.Arguments)
            {
                start.ArgumentList.Add(argument);
            }

            start.ArgumentList.Add(EchoArgument);
            start.ArgumentList.Add(name);
            var child = Process.Start(start)!;
            pipe.WaitForConnection();
            return new RawEcho(pipe, child);
        }

        public void RoundTrips(int count)
        {
            for (int i = 0; i < count; i++)
            {
                _pipe.Write(_message);
                int read = 0;
                while (read < _message.Length)
                {
                    read += _pipe.Read(_message, read, _message.Length - read);
                }
            }
        }

        public void Dispose()
        {
            _pipe.Dispose();
            _child.WaitForExit(5000);
            _child.Dispose();
        }
    }
}
