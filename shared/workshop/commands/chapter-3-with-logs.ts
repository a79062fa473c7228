/**
 * npm run chapter:3: chapter 03's script, handed chapter 05's log shipper, so that while the local CloudWatch
 * Logs endpoint listens (npm run logs:local) the offline API's output also lands there as Lambda writes it.
 * Chapter 03 knows nothing of chapter 05: the composition happens here.
 */

import { shipCheckLogsIfListening } from '../stand-ins/logs/check-log-shipper';
import { run } from './chapter-3';

run({ logShipper: (apiPid, onError) => shipCheckLogsIfListening({ apiPid, onError }) });
