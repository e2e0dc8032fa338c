import { LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect } from 'react';
import { useEChart } from './useEChart';

echarts.use([LineChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

interface Props {
  periods: string[];
  /** One line per measure; values are ratios (0–1) or null where the period had no denominator. */
  series: { name: string; values: (number | null)[] }[];
  testId: string;
}

/** 三率 over the period, one point per day or month; lazy like BarChart (ECharts stays out of the first screen). */
export default function TrendChart({ periods, series, testId }: Props) {
  const { el, chart } = useEChart();

  useEffect(() => {
    chart.current?.setOption(
      {
        animation: false,
        grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
        legend: { top: 0 },
        tooltip: { trigger: 'axis', valueFormatter: (v: unknown) => (v == null ? '—' : `${(Number(v) * 100).toFixed(1)}%`) },
        xAxis: { type: 'category', data: periods },
        yAxis: { type: 'value', min: 0, max: (v: { max: number }) => Math.max(1, v.max), axisLabel: { formatter: (v: number) => `${Math.round(v * 100)}%` } },
        // A day's ratio can pass 100% (signed today what was dispatched yesterday): the axis grows then, not clips.
        // A day without a denominator is a gap in the line, not a drop to 0%.
        series: series.map((s) => ({ type: 'line', name: s.name, data: s.values, connectNulls: false, showSymbol: periods.length < 40 })),
      },
      true,
    );
  }, [chart, periods, series]);

  return <div ref={el} data-testid={testId} data-points={periods.length} style={{ height: 260, width: '100%' }} />;
}
