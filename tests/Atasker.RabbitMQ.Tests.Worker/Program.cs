return await Atasker.AtaskerRemoteWorker.RunAsync(args);
