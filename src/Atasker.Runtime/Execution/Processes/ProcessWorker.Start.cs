using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Threading;
using Atasker.CompilerServices;

namespace Atasker;

/// <content>How a worker process starts: the child launched with the pipe's name, its hello awaited within a deadline on the supervisor's clock, a child that exits before connecting noticed at once.</content>
internal sealed partial class ProcessWorker
{
    /// <summary>How often a worker that is starting is checked for having exited before it connected.</summary>
    private static readonly TimeSpan StartPoll = TimeSpan.FromMilliseconds(20);

    /// <summary>
    /// Starts a worker and waits for its hello, on the calling thread (a thread of its own: this takes tens of
    /// milliseconds); any failure is a <see cref="ProcessWorkerException"/>, within <paramref name="timeout"/> at most.
    /// The deadline, and the check that the child has not exited before connecting, run on
    /// <paramref name="clock"/>.
    /// </summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA2000", Justification = "Every failure disposes the channel; on success its stream is the worker's, and StopListening closes the rest.")]
    public static ProcessWorker Start(ProcessWorkerCommand command, TimeSpan timeout, SupervisorClock clock, IProcessWorkerOwner owner)
    {
        var channel = ProcessChannel.Listen();
        Process? process = null;
        var watch = new StartWatch(channel, clock, clock.Now + clock.ToUnits(timeout));
        try
        {
            process = Process.Start(CreateStartInfo(command, channel.Address))
                ?? throw new ProcessWorkerException($"The worker process '{command}' did not start.");
            watch.Begin(process);
            var pipe = channel.Accept();
            var hello = ProcessFrames.Read(pipe);
            if (hello is not { Kind: ProcessFrameKind.Hello } frame)
            {
                throw new ProcessWorkerException($"The worker process '{command}' did not greet (it is not an Atasker worker, or it exited).");
            }

            int version = new ProcessReader(frame.Payload).ReadInt32();
            if (version != ProcessFrames.ProtocolVersion)
            {
                throw new ProcessWorkerException($"The worker process '{command}' speaks protocol {version}, this app {ProcessFrames.ProtocolVersion}: rebuild both with the same Atasker.");
            }

            if (!watch.Finish())
            {
                throw new IOException("The pipe was closed by the start's deadline."); // just now: reported below
            }

            channel.StopListening();
            return new ProcessWorker(process, pipe, owner) { StartedTicks = clock.Now };
        }
        catch (Exception error)
        {
            watch.Finish();
            Kill(process);
            channel.Dispose();
            if (error is ProcessWorkerException)
            {
                throw;
            }

            if (watch.Outcome == StartWatch.Exited)
            {
                throw new ProcessWorkerException($"The worker process '{command}' exited with code {process!.ExitCode} before connecting; its error output, if any, is above.", error);
            }

            if (watch.Outcome == StartWatch.TimedOut)
            {
                throw new ProcessWorkerException($"The worker process '{command}' did not connect within {timeout}.", error);
            }

            throw new ProcessWorkerException($"The worker process '{command}' could not be started: {error.Message}", error);
        }
    }

    /// <summary>
    /// The deadline of a start and the check that the child is still alive while the parent waits for it to connect,
    /// on the clock; either closes the pipe, which ends the blocking wait. <see cref="Finish"/> calls them off and says
    /// whether the start got through first.
    /// </summary>
    private sealed class StartWatch(ProcessChannel channel, SupervisorClock clock, long deadline)
    {
        public const int Running = 0;
        public const int Succeeded = 1;
        public const int Exited = 2;
        public const int TimedOut = 3;

        private ClockTimer? _timer;
        private Process? _process;
        private int _outcome;

        public int Outcome => Volatile.Read(ref _outcome);

        public void Begin(Process process)
        {
            _process = process;
            _timer = clock.CreateTimer(static watch => ((StartWatch)watch!).Check(), this);
            _timer.Arm(Math.Min(deadline, clock.Now + clock.ToUnits(StartPoll)));
        }

        public bool Finish()
        {
            _timer?.Disarm();
            return Interlocked.CompareExchange(ref _outcome, Succeeded, Running) is Running or Succeeded;
        }

        private void Check()
        {
            int outcome = _process!.HasExited ? Exited : clock.Now >= deadline ? TimedOut : Running;
            if (outcome == Running)
            {
                _timer!.Arm(Math.Min(deadline, clock.Now + clock.ToUnits(StartPoll)));
                return;
            }

            if (Interlocked.CompareExchange(ref _outcome, outcome, Running) == Running)
            {
                channel.Dispose(); // ends the wait for the connection or the read of the hello
            }
        }
    }

    private static ProcessStartInfo CreateStartInfo(ProcessWorkerCommand command, string address)
    {
        var info = new ProcessStartInfo(command.FileName) { UseShellExecute = false };
        foreach (string argument in command.Arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment[PipeVariable] = address;

        // A worker on the JIT enters through a startup hook in its own Atasker.dll: it runs before Main, outside any
        // type initializer. A NativeAOT worker enters from the generated module initializer instead.
        if (command.StartupHookAssembly is { Length: > 0 } hook)
        {
            info.Environment[StartupHooksVariable] = info.Environment.TryGetValue(StartupHooksVariable, out var existing) && !string.IsNullOrEmpty(existing)
                ? existing + Path.PathSeparator + hook
                : hook;
        }

        return info;
    }

    private static void Kill(Process? process)
    {
        try
        {
            if (process is { HasExited: false })
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }
}
