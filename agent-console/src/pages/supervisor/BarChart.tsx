import { BarChart as Bars } from 'echarts/charts';
import { GridComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect } from 'react';
import { useEChart } from './useEChart';

echarts.use([Bars, GridComponent, TooltipComponent, CanvasRenderer]);

interface Props {
  data: { name: string; value: number }[];
  testId: string;
  /** Values are ratios (0–1): axis and tooltip read as percentages. */
  percent?: boolean;
  height?: number;
}

/** Loaded with React.lazy: ECharts is ~300 KB and only the supervisor pages need it. */
export default function BarChart({ data, testId, percent, height = 240 }: Props) {
  const { el, chart } = useEChart();

  useEffect(() => {
    const fmt = (v: number) => (percent ? `${(v * 100).toFixed(1)}%` : String(v));
    chart.current?.setOption(
      {
        // A wall refreshes often; bars that regrow on every invalidate read as noise.
        animation: false,
        grid: { left: 8, right: 8, top: 16, bottom: 8, containLabel: true },
        tooltip: { valueFormatter: (v: unknown) => fmt(Number(v)) },
        xAxis: { type: 'category', data: data.map((d) => d.name), axisLabel: { interval: 0, rotate: data.length > 5 ? 30 : 0 } },
        yAxis: percent
          ? { type: 'value', min: 0, max: (v: { max: number }) => Math.max(1, v.max), axisLabel: { formatter: (v: number) => `${Math.round(v * 100)}%` } }
          : { type: 'value', minInterval: 1 },
        series: [{ type: 'bar', data: data.map((d) => d.value), itemStyle: { color: '#1677ff' } }],
      },
      true,
    );
  }, [chart, data, percent]);

  return <div ref={el} data-testid={testId} data-points={data.length} style={{ height, width: '100%' }} />;
}
