using Atasker;
using Atasker.ProcessTests.Tasks;

// Worker processes never get here: they serve their parent before Main. Run by hand, it can play a parent:
//   parent   starts a hanging process task in a worker of its own, prints "worker <pid>", and waits to be killed.
if (args is ["parent"])
{
    var pid = await RemoteTasks.StartProcessId();
    Console.WriteLine($"worker {pid}");
    _ = RemoteTasks.StartHang();
    Thread.Sleep(Timeout.Infinite);
}

Console.Error.WriteLine("This app serves Atasker process tasks for the tests (or plays a parent with 'parent').");
return 1;
