// First, before any module loads: keeps an idle process's young generation small.
import '../../../libs/common/src/process/lean-boot-heap';
import { runProcess } from '@pingvas/common';
import { WEB } from '@pingvas/contracts';
import { loadEdgeConfig } from './config';
import { startEdge } from './edge';

void runProcess(WEB.name, () => startEdge(loadEdgeConfig(process.env)));
