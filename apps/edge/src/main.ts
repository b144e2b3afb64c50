import { runProcess } from '@pingvas/common';
import { WEB } from '@pingvas/contracts';
import { loadEdgeConfig } from './config';
import { startEdge } from './edge';

void runProcess(WEB.name, () => startEdge(loadEdgeConfig(process.env)));
