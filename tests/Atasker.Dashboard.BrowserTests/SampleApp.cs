using System.Diagnostics;
using Atasker.Testing;

namespace Atasker.Dashboard.BrowserTests;

/// <summary>
/// samples/Atasker.Samples.Dashboard run as its own process on a free loopback port (Kestrel picks it; the address is
/// read from the "Now listening on" line), in Development so the dashboard needs no sign-in. Disposing stops it as a
/// service manager would (SIGTERM) and records whether it stopped by itself within the grace period.
/// </summary>
internal sealed class SampleApp : IDisposable
{
    private static readonly TimeSpan StartPatience = TimeSpan.FromSeconds(60);
    private readonly Process _process;
    private readonly List<string> _output = [];
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private SampleApp(Process process) => _process = process;

    public Uri Address => _listening.Task.Result;

    /// <summary>Everything the app wrote so far, for failure messages.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return string.Join(Environment.NewLine, _output);
            }
        }
    }

    public static SampleApp Start()
    {
        string app = Repository.BuiltApp("Atasker.Samples.Dashboard", "samples");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(app)!, // its appsettings.json is there
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(app);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add("http://127.0.0.1:0");
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        var process = new Process { StartInfo = start };
        var sample = new SampleApp(process);
        process.OutputDataReceived += (_, e) => sample.OnLine(e.Data, stdout: true);
        process.ErrorDataReceived += (_, e) => sample.OnLine(e.Data, stdout: false);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!sample._listening.Task.Wait(StartPatience))
        {
            sample.Dispose();
            throw new TimeoutException($"The sample did not listen within {StartPatience}:{Environment.NewLine}{sample.Output}");
        }

        return sample;
    }

    /// <summary>Asks the app to stop (SIGTERM) and waits for it: true when it exited by itself, with code 0, within
    /// <paramref name="grace"/>. It is killed (with its worker processes) otherwise.</summary>
    public bool Stop(TimeSpan grace)
    {
        if (_process.HasExited)
        {
            return false;
        }

        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            kill.WaitForExit();
        }

        if (_process.WaitForExit(grace))
        {
            _process.WaitForExit(); // the output is read to its end
            return _process.ExitCode == 0;
        }

        _process.Kill(entireProcessTree: true);
        return false;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
    }

    private void OnLine(string? line, bool stdout)
    {
        if (line is null)
        {
            if (stdout)
            {
                _listening.TrySetException(new InvalidOperationException($"The sample ended before it listened:{Environment.NewLine}{Output}"));
            }

            return;
        }

        lock (_output)
        {
            _output.Add(line);
        }

        const string marker = "Now listening on: ";
        if (stdout && line.IndexOf(marker, StringComparison.Ordinal) is >= 0 and var at)
        {
            _listening.TrySetResult(new Uri(line[(at + marker.Length)..].Trim()));
        }
    }
}
